"""Shared by the PyTorch baselines: one thread, and a line protocol for running side by side.

Run a baseline on its own (``python3 gpt.py``) to print one measurement, or with ``--serve`` to answer
``run`` lines (and other commands a baseline offers, e.g. ``profile 10``) on stdin with one JSON line
each on stdout, so that ``npm run bench`` can alternate its
own runs with these in one session (``quit`` or end of input stops it).
"""

import os

# Before torch loads: OpenBLAS and OpenMP read these once.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402

torch.set_num_threads(1)


def settings():
    """What the figures were measured with, for the report."""
    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas": blas_name(),
    }


def blas_name():
    """torch's BLAS_INFO, plus the library Debian's 'generic' BLAS resolves to (OpenBLAS or the reference)."""
    found = re.search(r"BLAS_INFO=([^,\s]*)", torch.__config__.show())
    name = found.group(1) if found else "unknown"
    try:
        with open("/proc/self/maps") as maps:
            libraries = {line.split()[-1] for line in maps if "blas" in line.lower()}
    except OSError:
        libraries = set()
    loaded = sorted(os.path.basename(path) for path in libraries if path.startswith("/"))
    return f"{name} ({', '.join(loaded)})" if loaded else name


def median(values):
    return statistics.median(values)


def main(description, add_arguments, make_runner):
    """make_runner(args) -> run, or {command: handler}: each returns a dict of figures ('run' measures once)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--serve", action="store_true", help="answer 'run' lines on stdin with JSON lines")
    add_arguments(parser)
    args = parser.parse_args()
    made = make_runner(args)
    commands = made if isinstance(made, dict) else {"run": made}
    if not args.serve:
        print(json.dumps({**commands["run"](), "settings": settings()}))
        return
    print(json.dumps({"ready": True, "settings": settings()}), flush=True)
    for line in sys.stdin:
        if not line.split():
            continue
        command, *numbers = line.split()
        if command == "quit":
            break
        if command in commands:
            print(json.dumps(commands[command](*map(int, numbers))), flush=True)
        else:
            print(json.dumps({"error": f"unknown command '{command}'"}), flush=True)
