"""Rewrites the kernel launches of a .cu file for tools/cuda_emulation: `k<T><<<grid, THREADS>>>(args);` becomes
`emu_launch(grid, THREADS, [&] { k<T>(args); });` (emu_launch_threads for the kernels that meet at __syncthreads).
Usage: rewrite_launches.py IN.cu OUT.cpp KERNEL_WITH_BARRIER..."""
import re
import sys

source, target, barrier_kernels = sys.argv[1], sys.argv[2], set(sys.argv[3:])
text = open(source).read()


def launch(match):
    name, grid, args = match.group(1), match.group(2), match.group(3)
    launcher = "emu_launch_threads" if name.split("<")[0] in barrier_kernels else "emu_launch"
    return f"{launcher}({grid}, THREADS, [&] {{ {name}({args}); }});"


text, count = re.subn(r"(\w+(?:<\w+>)?)<<<(.*?),\s*THREADS>>>\((.*?)\);", launch, text, flags=re.S)
if "<<<" in text:
    sys.exit(f"{source}: a launch not of the form k<<<grid, THREADS>>>(args); is left: extend rewrite_launches.py")
if re.search(r"__syncthreads", text) and not barrier_kernels:
    sys.exit(f"{source}: uses __syncthreads: name the kernels that do")
# Device code calls the unqualified math functions; on the host they are std's overloads.
math = "#include <cmath>\nusing std::exp, std::log, std::tanh;"
text = text.replace("#include <cublas_v2.h>", "#include <cublas_v2.h>\n" + math, 1)
open(target, "w").write(text)
print(f"{source}: {count} launches rewritten")
