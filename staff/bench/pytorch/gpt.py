"""The exercise's GPT training step in PyTorch, the baseline for ``npm run bench -- gpt``.

The same model as lib/gpt/model.ts (minGPT's layout: token and learned position embeddings, pre-LayerNorm
blocks of causal self-attention and a tanh-GELU MLP 48 -> 192 -> 48, a final LayerNorm, an lm_head without
bias; 3 layers, 3 heads, 48 dims, block 10, vocabulary 65), the same step as harness/training/gpt.ts's
trainingStep (forward, cross-entropy over all positions, last-character accuracy, backward, Adam 3e-4) on
one fixed batch of 64 random windows, as staff/bench/gpt.ts times it. One thread (common.py).

    python3 gpt.py [--steps 40] [--warmup 5] [--batch 64] [--serve]
"""

import math
import time

from common import main, median, torch

nn = torch.nn
F = torch.nn.functional


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        mask = torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size)
        self.register_buffer("bias", mask)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))  # (B, nh, T, T)
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size=65, block_size=10, n_layer=3, n_head=3, n_embd=48):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx):
        T = idx.size(1)
        pos = torch.arange(0, T, dtype=torch.long).unsqueeze(0)  # (1, T)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))  # (B, T, vocab)


def add_arguments(parser):
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)


def make_runner(args):
    torch.manual_seed(1)
    model = GPT()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)
    T, V = 10, 65
    idx = torch.randint(0, V, (args.batch, T))
    targets = torch.randint(0, V, (args.batch, T))

    def step():
        logits = model(idx)
        loss = F.cross_entropy(logits.view(-1, V), targets.view(-1))
        accuracy = (logits[:, -1, :].argmax(-1) == targets[:, -1]).float().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.detach(), accuracy

    for _ in range(args.warmup):
        step()

    def run():
        times, cpu_times = [], []
        for _ in range(args.steps):
            wall, cpu = time.perf_counter(), time.process_time()
            step()
            cpu_times.append((time.process_time() - cpu) * 1000)
            times.append((time.perf_counter() - wall) * 1000)
        return {"msPerStep": median(times), "cpuMsPerStep": median(cpu_times), "steps": args.steps}

    def profile(steps=10):
        """Self CPU time per operator and step (torch.profiler), beside our per-kernel profile."""
        activities = [torch.profiler.ProfilerActivity.CPU]
        with torch.profiler.profile(activities=activities):  # the profiler's own start-up, not timed
            step()
        with torch.profiler.profile(activities=activities) as prof:
            started = time.perf_counter()
            for _ in range(steps):
                step()
            wall_ms = (time.perf_counter() - started) * 1000 / steps
        rows = [
            {"name": event.key, "count": event.count / steps, "ms": event.self_cpu_time_total / 1000 / steps}
            for event in prof.key_averages()
        ]
        rows.sort(key=lambda row: -row["ms"])
        return {"rows": rows, "wallMs": wall_ms}

    return {"run": run, "profile": profile}


if __name__ == "__main__":
    main(__doc__, add_arguments, make_runner)
