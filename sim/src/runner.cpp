// run_actors: one SimGrid engine, one actor per rank, exceptions carried out of the simulation, deadlock detection.
#include <signal.h>

#include <fstream>
#include <memory>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <string>
#include <xbt/config.hpp>

#include "platform.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/sim/actors.hpp"
#include "sim_comm.hpp"

namespace sgdsim::sim {

namespace s4u = simgrid::s4u;

int RankContext::ranks() const { return static_cast<int>(world_->hosts.size()); }

std::string RankContext::host_name() const { return world_->hosts[static_cast<std::size_t>(rank_)]->get_name(); }

std::unique_ptr<Comm> RankContext::make_comm(int epoch) const {
  return std::make_unique<SimComm>(*world_, rank_, epoch);
}

std::unique_ptr<Clock> RankContext::make_clock() const { return std::make_unique<SimClock>(); }

std::unique_ptr<ModelledCompute> RankContext::make_compute(const Scenario& scenario, const Problem& problem,
                                                           int repetition, int worker, Comm& comm) const {
  auto* sim_comm = dynamic_cast<SimComm*>(&comm);
  if (sim_comm == nullptr) SGDSIM_THROW(SimulationError, "RankContext::make_compute: comm must come from make_comm");
  const double speed = world_->hosts[static_cast<std::size_t>(rank_)]->get_speed();
  return std::make_unique<SimCompute>(scenario, problem, repetition, worker, *sim_comm, speed);
}

void RankContext::sync() const { world_->barrier->wait(); }

namespace {

std::int64_t count_lines(const char* file) {
  std::ifstream in(file);
  std::int64_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

// Each actor's stack is a memory mapping, and its guard page (which turns a stack overflow into a crash instead of
// silent corruption) splits it into two: with SimGrid's defaults a process of ~32 000 actors exceeds Linux's default
// vm.max_map_count (65530) and SimGrid aborts. Without guard pages the stacks come from malloc and add no mappings (a
// probe of 100 000 actors held 170 mappings), so they are dropped only when the guarded stacks would not fit.
bool guard_pages_fit(int actors) {
  std::ifstream limit_file("/proc/sys/vm/max_map_count");
  std::int64_t limit = 0;
  if (!(limit_file >> limit)) return true;  // not Linux, or not readable: keep SimGrid's default
  constexpr std::int64_t MARGIN = 1000;     // mappings the run adds besides the stacks (libraries, heap arenas)
  return count_lines("/proc/self/maps") + 2 * std::int64_t(actors) + MARGIN <= limit;
}

}  // namespace

ActorsResult run_actors(const NetworkSpec& network, int ranks, const RankBody& body,
                        const std::vector<std::string>& simgrid_args) {
  if (s4u::Engine::is_initialized()) {
    SGDSIM_THROW(SimulationError, "only one simulation per process: SimGrid allows a single engine");
  }
  // Our defaults first, so that the caller's --cfg / --log arguments override them.
  std::vector<std::string> args{"sgdsim", "--log=root.thres:critical"};
  for (auto& a : platform_config_args(network)) args.push_back(a);
  if (!guard_pages_fit(ranks)) args.emplace_back("--cfg=contexts/guard-size:0");
  args.insert(args.end(), simgrid_args.begin(), simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  // SimGrid dies (abort) on an unknown network model, and Constant cannot run our platforms:
  for (const auto& a : simgrid_args) {
    const std::string key = "--cfg=network/model:";
    if (a.rfind(key, 0) != 0) continue;
    const std::string model = a.substr(key.size());
    if (model == "Constant") {
      SGDSIM_THROW(ConfigError, "--cfg=network/model:Constant is not supported: SimGrid 3.32's Constant model cannot "
                                "build platforms with links and stalls transfers without them; use a network with "
                                "topology \"ideal\" for communication that takes no time");
    }
    if (model != "CM02" && model != "LV08" && model != "SMPI" && model != "IB" && model != "ns-3")
      SGDSIM_THROW(ConfigError, a + ": unknown network model (SimGrid 3.32 has CM02, LV08, SMPI, IB, ns-3)");
  }
  if (!simgrid_args.empty()) check_simgrid_options(args, simgrid_args, network);
  // SimGrid installs a SIGINT handler of its own (print the actors' status, exit(1)): keep the program's, which lets
  // a run end cleanly (see sgdsim/interrupt.hpp).
  struct sigaction program_sigint {};
  sigaction(SIGINT, nullptr, &program_sigint);
  std::unique_ptr<s4u::Engine> engine_owner;
  try {
    engine_owner = std::make_unique<s4u::Engine>(&argc, argv.data());
    sigaction(SIGINT, &program_sigint, nullptr);
  } catch (const std::exception& e) {
    sigaction(SIGINT, &program_sigint, nullptr);
    // A bad --cfg / --log argument: SimGrid's message starts with what was wrong (then lists every key).
    const std::string what = e.what();
    SGDSIM_THROW(ConfigError, "SimGrid option: " + what.substr(0, what.find('\n')));
  }
  s4u::Engine& engine = *engine_owner;

  // Shared with the actors: should the engine unwind blocked actors late (after a deadlock), their requests still
  // find the mailbox table alive.
  auto world = std::make_shared<SimWorld>();
  world->hosts = build_platform(engine, network, ranks);
  world->barrier = s4u::Barrier::create(static_cast<unsigned>(ranks));
  world->left_in.assign(static_cast<std::size_t>(ranks), -1);
  world->orphans.resize(static_cast<std::size_t>(ranks));

  for (int r = 0; r < ranks; ++r) {
    s4u::Host* host = world->hosts[static_cast<std::size_t>(r)];
    s4u::Actor::create("rank-" + std::to_string(r), host, [world, r, ranks, &body]() {
      RankContext context(*world, r);
      try {
        body(context);
        auto& orphans = world->orphans[static_cast<std::size_t>(r)];
        if (!orphans.empty()) {
          // Sends this rank left behind (Comm::leave) may still be matched by another rank's later receive: they are
          // withdrawn once every other actor is done or waiting here. (SimGrid cancels an actor's pending transfers
          // when it ends, so this one waits.)
          std::unique_lock lock(*world->fence_mutex);
          ++world->holding;
          while (world->finished + world->holding < ranks) world->fenced->wait(lock);
          lock.unlock();
          orphans.clear();
        }
      } catch (const simgrid::ForcefulKillException&) {
        throw;  // SimGrid unwinding a killed actor: not ours to swallow
      } catch (...) {
        if (!world->error) world->error = std::current_exception();
        ++world->finished;
        // The run cannot go on: end the other actors now rather than leave them blocked until SimGrid reports the
        // deadlock this would be.
        s4u::Actor::kill_all();
        return;
      }
      ++world->finished;
      if (world->holding > 0) world->fenced->notify_all();
    });
  }
  engine.run();

  if (world->error) std::rethrow_exception(world->error);
  if (world->finished != ranks) {
    SGDSIM_THROW(SimulationError, "simulation deadlocked: " + std::to_string(ranks - world->finished) + " of " +
                                      std::to_string(ranks) + " actors did not finish");
  }
  return ActorsResult{s4u::Engine::get_clock()};
}

}  // namespace sgdsim::sim
