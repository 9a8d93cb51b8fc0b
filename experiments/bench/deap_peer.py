#!/usr/bin/python3
"""Peer timings for `npm run bench:engine`: the same work as nasc's engine benchmark, in DEAP.

Prints one JSON object. NSGA-II on ZDT1 (30 variables, population 100, 250 generations after the
initial one = 25,100 evaluations, SBX eta 20 p 0.9, polynomial mutation eta 20 p 1/n), once with
DEAP's default non-dominated sort and once with nd='log'; and non-dominated sorting of 10,000
random points for M = 2 and M = 3 with both sorts (the default one only when asked: it takes minutes).
"""
import json
import math
import random
import sys
import time

from deap import base, creator, tools


def zdt1(ind):
    n = len(ind)
    g = 1.0 + 9.0 * sum(ind[1:]) / (n - 1)
    f1 = ind[0]
    return f1, g * (1.0 - math.sqrt(f1 / g))


def nsga2(nd: str, seed: int) -> float:
    random.seed(seed)
    n, mu, ngen = 30, 100, 250
    tb = base.Toolbox()
    tb.register("attr", random.random)
    tb.register("individual", tools.initRepeat, creator.Individual, tb.attr, n)
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("evaluate", zdt1)
    tb.register("mate", tools.cxSimulatedBinaryBounded, low=0.0, up=1.0, eta=20.0)
    tb.register("mutate", tools.mutPolynomialBounded, low=0.0, up=1.0, eta=20.0, indpb=1.0 / n)
    tb.register("select", tools.selNSGA2, nd=nd)
    start = time.perf_counter()
    pop = tb.population(n=mu)
    for ind in pop:
        ind.fitness.values = tb.evaluate(ind)
    pop = tb.select(pop, len(pop))
    for _ in range(ngen):
        offspring = tools.selTournamentDCD(pop, len(pop))
        offspring = [tb.clone(ind) for ind in offspring]
        for a, b in zip(offspring[::2], offspring[1::2]):
            if random.random() <= 0.9:
                tb.mate(a, b)
            tb.mutate(a)
            tb.mutate(b)
            del a.fitness.values, b.fitness.values
        for ind in offspring:
            if not ind.fitness.valid:
                ind.fitness.values = tb.evaluate(ind)
        pop = tb.select(pop + offspring, mu)
    return time.perf_counter() - start


def sort_points(m: int, log: bool, seed: int) -> float:
    rnd = random.Random(seed)
    creator_name = f"FitnessMin{m}"
    if not hasattr(creator, creator_name):
        creator.create(creator_name, base.Fitness, weights=(-1.0,) * m)
        creator.create(f"P{m}", list, fitness=getattr(creator, creator_name))
    cls = getattr(creator, f"P{m}")
    pts = []
    for _ in range(10_000):
        p = cls([rnd.random() for _ in range(m)])
        p.fitness.values = tuple(p)
        pts.append(p)
    start = time.perf_counter()
    if log:
        tools.sortLogNondominated(pts, len(pts))
    else:
        tools.sortNondominated(pts, len(pts))
    return time.perf_counter() - start


def main() -> None:
    with_default_sort = "--with-default-sort" in sys.argv
    creator.create("FitnessMin", base.Fitness, weights=(-1.0, -1.0))
    creator.create("Individual", list, fitness=creator.FitnessMin)
    import deap
    out = {
        "deap": deap.__version__,
        "python": sys.version.split()[0],
        "nsga2Zdt1Seconds": {"standard": nsga2("standard", 1), "log": nsga2("log", 1)},
        "sort10kSeconds": {
            "m2": {"log": sort_points(2, True, 1)},
            "m3": {"log": sort_points(3, True, 1)},
        },
    }
    if with_default_sort:
        out["sort10kSeconds"]["m2"]["standard"] = sort_points(2, False, 1)
        out["sort10kSeconds"]["m3"]["standard"] = sort_points(3, False, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
