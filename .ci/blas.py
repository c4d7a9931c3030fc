"""Print the BLAS libraries numpy and scipy use; fail if they ignore the requested settings.

OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS are read by OpenBLAS when it loads; a
name it does not know silently falls back to the CPU's own kernel, so .ci/run
checks here that each notebook run gets the kernel and thread count it asks for.
"""

import os
import sys

import numpy
import scipy.linalg
from threadpoolctl import threadpool_info

# numpy and scipy each load their own OpenBLAS.
print(f"  numpy {numpy.__version__}, scipy {scipy.__version__}")

# What threadpoolctl reports for a requested kernel, where the names differ.
REPORTED = {"prescott": {"prescott", "katmai"}}

kernel = os.environ.get("OPENBLAS_CORETYPE", "").lower()
threads = os.environ.get("OPENBLAS_NUM_THREADS")
problems = []
for lib in threadpool_info():
    name = f"{lib['internal_api']} {lib['version']} ({lib['prefix']})"
    print(f"  {name}: kernel {lib.get('architecture')}, {lib['num_threads']} thread(s)")
    if lib["internal_api"] != "openblas":
        continue
    if kernel and lib["architecture"].lower() not in REPORTED.get(kernel, {kernel}):
        problems.append(f"{name} runs kernel {lib['architecture']}, not {kernel}")
    if threads and lib["num_threads"] != int(threads):
        problems.append(f"{name} runs {lib['num_threads']} threads, not {threads}")
if problems:
    sys.exit("BLAS settings not applied: " + "; ".join(problems))
