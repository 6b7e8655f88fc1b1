import time, cProfile, pstats
def test_t(make_dossier):
    make_dossier("afgerond")
    for st in ("concept", "ingediend", "afgerond"):
        t = time.perf_counter()
        for i in range(5):
            make_dossier(st)
        print(st, round((time.perf_counter() - t) / 5, 3))
    pr = cProfile.Profile(); pr.enable()
    for i in range(5):
        make_dossier("concept")
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
