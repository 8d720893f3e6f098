// Per-iteration overhead of the MPI backend (communication + bookkeeping, no compute), run under mpirun; rank 0
// reports.
//
// Every rank runs every benchmark in lockstep with a fixed iteration count (->Iterations), so the collective and
// point-to-point patterns match up; only rank 0 prints or writes results. Times are wall-clock (UseRealTime): ranks
// sleep while they wait, so CPU time says nothing.
//
//   mpirun -np 4 --oversubscribe --allow-run-as-root --mca btl self,vader build/bench/bench_mpi_overhead
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <cstring>
#include <vector>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/exec/mpi_comm.hpp"
#include "sgdsim/exec/run.hpp"

namespace {

using sgdsim::message_tag;
using sgdsim::MessageKind;
using sgdsim::Request;
using sgdsim::exec::MpiComm;

// allreduce_mean of d doubles as MpiComm does it (MPI_Iallreduce + polled wait): the sync/local SGD round.
void BM_allreduce_mean(benchmark::State& state) {
  MpiComm comm;
  std::vector<double> x(static_cast<std::size_t>(state.range(0)), 1.0 + comm.rank());
  std::int64_t t = 0;
  for (auto _ : state) {
    comm.allreduce_mean(x, message_tag(++t, MessageKind::AVERAGE));
    benchmark::DoNotOptimize(x.data());
  }
  comm.finish();
  state.counters["ranks"] = comm.size();
  state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(double)));
}

// Reference: plain blocking MPI_Allreduce on the same communicator, without MpiComm (OpenMPI's own busy wait).
void BM_raw_mpi_allreduce(benchmark::State& state) {
  MpiComm comm;
  std::vector<double> x(static_cast<std::size_t>(state.range(0)), 1.0 + comm.rank());
  for (auto _ : state) {
    MPI_Allreduce(MPI_IN_PLACE, x.data(), static_cast<int>(x.size()), MPI_DOUBLE, MPI_SUM, comm.handle());
    benchmark::DoNotOptimize(x.data());
  }
  comm.finish();
  state.counters["ranks"] = comm.size();
  state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(double)));
}

// The same reduction through Comm's default schedule over MpiComm's point-to-point messages (what the simulation
// models, with the same summation order: recursive doubling under 4 KiB, ring above), for comparison.
void BM_allreduce_default_p2p(benchmark::State& state) {
  MpiComm comm;
  std::vector<double> x(static_cast<std::size_t>(state.range(0)), 1.0 + comm.rank());
  std::int64_t t = 0;
  for (auto _ : state) {
    comm.Comm::allreduce_mean(x, message_tag(++t, MessageKind::AVERAGE));
    benchmark::DoNotOptimize(x.data());
  }
  comm.finish();
  state.counters["ranks"] = comm.size();
  state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(double)));
}

// One parameter-server round with zero compute, as in core's PS loop: the PS posts one result recv per worker, sends
// the model (d + 1 doubles) to every worker, and takes results with wait_any until it has `wait` of them, cancelling
// the rest. A worker, as in core, posts the recv of the next model before sending its result asynchronously, and
// withdraws that send (detaches it) if the next model comes first; late results are drained by finish().
void ps_round(benchmark::State& state, bool drop_one) {
  MpiComm comm;
  const auto d = static_cast<std::size_t>(state.range(0));
  const int k = comm.size() - 1;
  const int wait = drop_one && k > 1 ? k - 1 : k;
  std::vector<double> model(d + 1, 0.5);
  std::vector<double> result(d, 0.25);
  std::vector<std::vector<double>> results(static_cast<std::size_t>(k), std::vector<double>(d));
  std::vector<Request> pending(static_cast<std::size_t>(k));
  std::vector<Request> sends(static_cast<std::size_t>(k));
  auto send_model = [&](std::int64_t iteration) {
    for (int w = 0; w < k; ++w) sends[w] = comm.send_async(w + 1, message_tag(iteration, MessageKind::MODEL), model);
    for (auto& s : sends) comm.wait(s);
  };
  Request next;
  Request sent;
  if (comm.rank() != 0) next = comm.recv_async(0, message_tag(1, MessageKind::MODEL), model);
  std::int64_t t = 0;
  for (auto _ : state) {
    ++t;
    if (comm.rank() == 0) {
      for (int w = 0; w < k; ++w) pending[w] = comm.recv_async(w + 1, message_tag(t, MessageKind::RESULT), results[w]);
      send_model(t);
      for (int arrived = 0; arrived < wait; ++arrived) comm.wait_any(pending);
      for (auto& r : pending) comm.cancel(r);
    } else {
      comm.wait(next);
      if (sent.pending() && !comm.test(sent)) comm.cancel(sent);
      next = comm.recv_async(0, message_tag(t + 1, MessageKind::MODEL), model);
      sent = comm.send_async(0, message_tag(t, MessageKind::RESULT), result);
    }
  }
  if (comm.rank() == 0) {
    send_model(t + 1);  // releases the workers
  } else {
    comm.wait(next);
    if (sent.pending() && !comm.test(sent)) comm.cancel(sent);
  }
  comm.finish();
  state.counters["ranks"] = comm.size();
  state.counters["drained"] = static_cast<double>(comm.drained_messages());
}

void BM_ps_round_all(benchmark::State& state) { ps_round(state, false); }
void BM_ps_round_drop_one(benchmark::State& state) { ps_round(state, true); }

// Iteration counts are fixed (the same on every rank) and shrink with the message size to keep the run short.
void sizes(benchmark::internal::Benchmark* b, std::int64_t d, std::int64_t iterations) {
  b->Arg(d)->Iterations(iterations)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

#define SGDSIM_MPI_BENCH(fn)                                    \
  BENCHMARK(fn)->Apply([](auto* b) { sizes(b, 1000, 2000); });  \
  BENCHMARK(fn)->Apply([](auto* b) { sizes(b, 100000, 200); }); \
  BENCHMARK(fn)->Apply([](auto* b) { sizes(b, 1000000, 20); })

SGDSIM_MPI_BENCH(BM_allreduce_mean);
SGDSIM_MPI_BENCH(BM_raw_mpi_allreduce);
SGDSIM_MPI_BENCH(BM_allreduce_default_p2p);
SGDSIM_MPI_BENCH(BM_ps_round_all);
SGDSIM_MPI_BENCH(BM_ps_round_drop_one);

// Reports nothing: the display of ranks other than 0.
class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  sgdsim::exec::MpiSession session(&argc, &argv);
  const bool reporter = session.rank() == 0;
  // Ranks other than 0 must not open the --benchmark_out file (they would truncate rank 0's): drop those flags.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i)
    if (reporter || std::strncmp(argv[i], "--benchmark_out", 15) != 0) args.push_back(argv[i]);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (reporter) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
