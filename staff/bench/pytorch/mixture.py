"""The exercise's GMM training loop in PyTorch, the baseline for ``npm run bench -- mixture``.

What harness/training/mixture.ts runs and staff/bench/mixture.ts times: for each K, a GMM with diagonal
covariances (logits, means [K, 2], log-variances [K, 2]; logits and means N(0, 1), log-variances 0),
trained with Adam (lr 0.01) on -mean log p(x) over the Europe training points (normalised with the
training split's mean and sample std), shuffled every epoch, batches of 4096; after every epoch the mean
log-likelihood of the train and test splits in batches of 32,768 without gradients, summed in float64.
One thread (common.py).

    python3 mixture.py [--ks 1,5,10,33] [--epochs 50] [--data data/europe] [--serve]
"""

import math
import os
import time

from common import main, torch

LOG_2PI = math.log(2 * math.pi)
BATCH = 4096
EVALUATION_BATCH = 32_768
HERE = os.path.dirname(os.path.abspath(__file__))


def read_points(path):
    with open(path) as file:
        next(file)  # long,lat,country
        rows = [line.split(",")[:2] for line in file if line.strip()]
    return torch.tensor([[float(a), float(b)] for a, b in rows], dtype=torch.float32)


def load_europe(folder):
    train = read_points(os.path.join(folder, "train.csv"))
    test = read_points(os.path.join(folder, "test.csv"))
    mean, std = train.mean(0), train.std(0)  # sample std (n - 1), as lib/data/europe.ts
    return (train - mean) / std, (test - mean) / std


class GMM(torch.nn.Module):
    def __init__(self, K):
        super().__init__()
        self.logits = torch.nn.Parameter(torch.randn(K))
        self.means = torch.nn.Parameter(torch.randn(K, 2))
        self.log_variances = torch.nn.Parameter(torch.zeros(K, 2))

    def forward(self, x):
        """log p(x) [n]."""
        log_weights = torch.log_softmax(self.logits, 0)
        z = (x[:, None, :] - self.means) * torch.exp(-0.5 * self.log_variances)  # (n, K, 2)
        log_normalisers = -0.5 * self.log_variances.sum(1) - LOG_2PI
        return torch.logsumexp(-0.5 * (z**2).sum(2) + log_normalisers + log_weights, dim=1)


def mean_log_likelihood(model, points):
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(points), EVALUATION_BATCH):
            total += model(points[start : start + EVALUATION_BATCH]).double().sum().item()
    return total / len(points)


def train(K, train_points, test_points, epochs):
    model = GMM(K)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(epochs):
        shuffled = train_points[torch.randperm(len(train_points))]
        for start in range(0, len(shuffled), BATCH):
            loss = -model(shuffled[start : start + BATCH]).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        train_ll = mean_log_likelihood(model, train_points)
        test_ll = mean_log_likelihood(model, test_points)
        if not (math.isfinite(train_ll) and math.isfinite(test_ll)):
            raise RuntimeError(f"K = {K}: non-finite log-likelihood")
    return train_ll, test_ll


def add_arguments(parser):
    parser.add_argument("--ks", default="1,5,10,33")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "data", "europe"))


def make_runner(args):
    ks = [int(k) for k in args.ks.split(",")]
    train_points, test_points = load_europe(args.data)
    torch.manual_seed(42)

    def run():
        per_k = {}
        wall, cpu = time.perf_counter(), time.process_time()
        for K in ks:
            started = time.perf_counter()
            train_ll, test_ll = train(K, train_points, test_points, args.epochs)
            per_k[K] = {"seconds": time.perf_counter() - started, "train": train_ll, "test": test_ll}
        return {
            "seconds": time.perf_counter() - wall,
            "cpuSeconds": time.process_time() - cpu,
            "perK": per_k,
            "trainRows": len(train_points),
            "testRows": len(test_points),
        }

    return run


if __name__ == "__main__":
    main(__doc__, add_arguments, make_runner)
