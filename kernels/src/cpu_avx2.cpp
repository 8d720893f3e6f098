// The dense CPU loops compiled for AVX2 + FMA (this file only gets -mavx2 -mfma); chosen at run time by cpu.cpp.
#define SGDSIM_CPU_LOOPS_DEFINE
#include "cpu_loops.hpp"

sgdsim::kernels::cpu_detail::Loops sgdsim::kernels::cpu_detail::avx2_loops() { return make_loops(); }
