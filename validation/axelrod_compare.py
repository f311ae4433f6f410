#!/usr/bin/env python3
"""Run the same noisy round robin in the reference library `axelrod` and in detente, and
compare the mean payoff per turn of every ordered pair of strategies, and the speed.

Usage (the wrapper run-axelrod-comparison.sh sets up the virtual environment and the binary):

    python validation/axelrod_compare.py --detente target/release/detente \
        --scenario validation/axelrod-7.toml --repetitions 100 --detente-repetitions 10000

Means: axelrod at --repetitions, detente at --detente-repetitions (so that detente's standard
errors are small and a |z| mostly measures axelrod's sampling noise). Speed, both on one core:
axelrod's `Tournament.play` alone (build_results=False, serial, interactions to a temporary
file; the payoffs come from a second, untimed play of the same seeded tournament), against detente's whole command (process
start, parsing, the batch, summary.csv) for the same tournament and at --detente-repetitions,
where fixed costs are amortized and the rate is the engine's.
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import time
import tomllib

import axelrod as axl


def axelrod_player(kind, spec, game):
    """The axelrod player for a detente strategy kind."""
    if kind == "always_cooperate":
        return axl.Cooperator()
    if kind == "always_defect":
        return axl.Defector()
    if kind == "tit_for_tat":
        return axl.TitForTat()
    if kind == "generous_tit_for_tat":
        g = spec.get("generosity")
        if g is None:
            r, s, t, p = game["R"], game["S"], game["T"], game["P"]
            g = min(1 - (t - r) / (r - s), (r - p) / (t - p))
        return axl.MemoryOnePlayer(four_vector=(1, g, 1, g), initial=axl.Action.C)
    if kind == "win_stay_lose_shift":
        return axl.WinStayLoseShift()
    if kind == "grim_trigger":
        return axl.Grudger()
    if kind == "random":
        return axl.Random(spec.get("p", 0.5))
    if kind == "contrite_tit_for_tat":
        return axl.ContriteTitForTat()
    if kind == "memory_one":
        # detente's opening probability: axelrod's MemoryOnePlayer opens with a fixed action.
        opening = spec.get("opening", 1.0)
        if opening not in (0.0, 1.0):
            raise SystemExit(f"{spec['id']}: axelrod needs a deterministic opening")
        return axl.MemoryOnePlayer(
            four_vector=(spec["cc"], spec["cd"], spec["dc"], spec["dd"]),
            initial=axl.Action.C if opening == 1.0 else axl.Action.D,
        )
    raise SystemExit(f"no axelrod counterpart for kind {kind}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--detente", default="target/release/detente")
    ap.add_argument("--scenario", default="scenarios/prisoners-dilemma.toml")
    ap.add_argument("--repetitions", type=int, default=100)
    ap.add_argument("--detente-repetitions", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with open(args.scenario, "rb") as f:
        sc = tomllib.load(f)
    game = sc["game"]
    pay = game["payoffs"]
    turns, noise = game["turns"], game.get("noise", 0.0)
    specs = sc["strategies"]
    ids = [s["id"] for s in specs]
    n = len(ids)

    # axelrod: serial, in this process, so that the speed is per core.
    players = [axelrod_player(s["kind"], s, pay) for s in specs]
    axl_game = axl.Game(r=pay["R"], s=pay["S"], t=pay["T"], p=pay["P"])
    tournament = axl.Tournament(
        players, game=axl_game, turns=turns, repetitions=args.repetitions, noise=noise, seed=args.seed
    )
    with tempfile.TemporaryDirectory() as d:
        interactions = os.path.join(d, "interactions.csv")
        t0 = time.perf_counter()
        tournament.play(build_results=False, filename=interactions, processes=None, progress_bar=False)
        t_axl = time.perf_counter() - t0
    # The same tournament (same seed, so the same matches) again, with its results built
    # (untimed): axelrod's ResultSet does not read the interactions file back here.
    again = axl.Tournament(
        players, game=axl_game, turns=turns, repetitions=args.repetitions, noise=noise, seed=args.seed
    )
    results = again.play(processes=None, progress_bar=False, build_results=True)
    # payoffs[i][j]: per-repetition mean payoff per turn of i against j.
    axl_payoffs = results.payoffs

    def detente_run(reps, out):
        t0 = time.perf_counter()
        subprocess.run(
            [args.detente, "run", args.scenario, "--runs", str(reps), "--seed", str(args.seed),
             "--threads", "1", "--out", out, "--quiet", "--force"],
            check=True,
        )
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as d:
        t_det_same = min(detente_run(args.repetitions, os.path.join(d, "same")) for _ in range(3))
        out = os.path.join(d, "pd")
        t_det = min(detente_run(args.detente_repetitions, out) for _ in range(3))
        rows = list(csv.DictReader(open(os.path.join(out, "summary.csv"))))
    summary = {(r["arm"], r["metric"]): r for r in rows}
    actors = game.get("actors", ["row", "col"])

    def detente_payoff(i, j):
        a, b = (i, j) if i <= j else (j, i)
        arm = f"{ids[a]}_vs_{ids[b]}"
        side = actors[0] if i <= j else actors[1]
        r = summary[(arm, f"payoff:{side}")]
        mean = float(r["mean"])
        se = (float(r["ci95_high"]) - float(r["ci95_low"])) / (2 * 1.959963984540054)
        return mean, se

    print(f"# detente vs axelrod {axl.__version__}: {n} strategies, round robin with self-play, "
          f"{turns} turns, {args.repetitions} repetitions, noise {noise}\n")
    print("| strategy | against | axelrod | detente | difference | z |")
    print("|---|---|---|---|---|---|")
    zs = []
    for i in range(n):
        for j in range(n):
            xs = axl_payoffs[i][j]
            m_a = sum(xs) / len(xs)
            sd_a = math.sqrt(sum((x - m_a) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
            se_a = sd_a / math.sqrt(len(xs))
            m_d, se_d = detente_payoff(i, j)
            se = math.hypot(se_a, se_d)
            z = (m_d - m_a) / se if se > 0 else (0.0 if abs(m_d - m_a) < 1e-6 else float("inf"))
            zs.append(z)
            print(f"| {ids[i]} | {ids[j]} | {m_a:.4f} | {m_d:.4f} | {m_d - m_a:+.4f} | {z:+.2f} |")
    pairs = n * (n + 1) // 2
    axl_turns = pairs * args.repetitions * turns
    det_turns = pairs * args.detente_repetitions * turns
    over2 = sum(1 for z in zs if abs(z) > 2)
    over4 = sum(1 for z in zs if abs(z) > 4)
    axl_rate = axl_turns / t_axl
    det_rate = det_turns / t_det
    print()
    print(f"ordered pairs: {len(zs)}; |z| > 2: {over2} (about {0.0455 * len(zs):.1f} expected by chance); "
          f"|z| > 4: {over4}; max |z| {max(abs(z) for z in zs):.2f}")
    print(f"axelrod: {axl_turns} turns in {t_axl:.2f} s, {axl_rate / 1e6:.3f} M turns/s (play only, one core)")
    print(f"detente, the same tournament: {t_det_same:.3f} s whole command (best of 3): {t_axl / t_det_same:.0f}x")
    print(f"detente, {args.detente_repetitions} repetitions: {det_turns} turns in {t_det:.2f} s whole command "
          f"(best of 3), {det_rate / 1e6:.1f} M turns/s on one core")
    print(f"speed ratio (turns per second per core): {det_rate / axl_rate:.0f}x")
    return 1 if over4 > 0 else 0


if __name__ == "__main__":
    sys.exit(main())
