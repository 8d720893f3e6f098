// The family's scenario keys: defaults in the resolved scenario, each preset's own keys, errors with their JSON path.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

std::string scenario(const std::string& algorithm, int workers = 16, const std::string& stop = R"({"iterations": 100})",
                     bool numerics = true) {
  return R"({"problem": {"objective": "logistic", "data": {"synthetic": {"samples": 400, "features": 3}}},
             "cluster": {"workers": )" +
         std::to_string(workers) + R"(, "compute": {"numerics": )" + (numerics ? "true" : "false") +
         R"(}}, "algorithm": )" + algorithm + R"(, "stop": )" + stop + "}";
}

std::string error_of(const std::string& text, const std::filesystem::path& base = ".") {
  try {
    parse_scenario(text, {}, base);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const CooperativeParams& params(const Scenario& s) { return s.algorithm.params_as<CooperativeParams>(); }

}  // namespace

TEST_CASE("each preset resolves its own keys with their defaults, and the resolved scenario parses back the same") {
  const Scenario dpsgd = parse_scenario(scenario(R"({"name": "dpsgd", "step_size": 0.1})"));
  CHECK(dpsgd.resolved_json.find(R"("batch_size": 32,
    "tau": 1,
    "topology": "ring",
    "weights": "uniform")") != std::string::npos);
  CHECK(params(dpsgd).mixing.zeta() == doctest::Approx(1.0 / 3 + 2.0 / 3 * std::cos(2 * 3.141592653589793 / 16)));
  const Scenario easgd = parse_scenario(scenario(R"({"name": "easgd", "step_size": 0.1, "alpha": 0.05, "tau": 4})"));
  CHECK(easgd.resolved_json.find(R"("tau": 4,
    "alpha": 0.05,
    "anchor": "server")") != std::string::npos);
  const Scenario torus = parse_scenario(scenario(R"({"name": "cooperative", "step_size": 0.1, "topology": "torus",
      "tau": {"schedule": "linear", "tau0": 10, "rounds": 4}})"));
  CHECK(torus.resolved_json.find(R"("tau": {
      "schedule": "linear",
      "tau0": 10,
      "rounds": 4
    },
    "topology": {
      "graph": "torus",
      "rows": 4
    },
    "weights": "uniform")") != std::string::npos);
  CHECK(params(torus).tau.alpha == doctest::Approx(2.0 * (100 - 40) / (10.0 * 12)));  // solved, not written
  const Scenario er = parse_scenario(scenario(R"({"name": "dpsgd", "step_size": 0.1,
      "topology": {"graph": "erdos_renyi", "p": 0.5}})"));
  CHECK(er.resolved_json.find(R"("graph": "erdos_renyi",
      "p": 0.5,
      "seed": 1
    },
    "weights": "metropolis")") != std::string::npos);  // the scenario's seed; Metropolis for an irregular graph
  const Scenario coop = parse_scenario(scenario(R"({"name": "cooperative", "step_size": 0.1})"));
  CHECK(params(coop).mixing.is_average());  // complete by default: local SGD
  for (const Scenario* s : {&dpsgd, &easgd, &torus, &er, &coop})
    CHECK(parse_scenario(s->resolved_json).resolved_json == s->resolved_json);
  // sync_sgd and local_sgd keep their resolved form (wait_for appears only below cluster.workers).
  const Scenario local = parse_scenario(scenario(R"({"name": "local_sgd", "step_size": 0.1, "tau": 4})"));
  CHECK(local.resolved_json.find(R"("step_size": 0.1,
    "batch_size": 32,
    "tau": 4
  },)") != std::string::npos);
}

TEST_CASE("keys of another algorithm are errors, not ignored") {
  CHECK(error_of(scenario(R"({"name": "easgd", "step_size": 1, "alpha": 0.01, "topology": "ring"})"))
            .starts_with("scenario.algorithm.topology: unknown key for algorithm easgd"));
  CHECK(error_of(scenario(R"({"name": "dpsgd", "step_size": 1, "alpha": 0.01})"))
            .starts_with("scenario.algorithm.alpha: unknown key for algorithm dpsgd"));
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "topology": "ring"})"))
            .starts_with("scenario.algorithm.topology: unknown key for algorithm local_sgd"));
  CHECK(error_of(scenario(R"({"name": "sync_sgd", "step_size": 1, "tau": 2})"))
            .starts_with("scenario.algorithm.tau: unknown key for algorithm sync_sgd"));
  // RI-SGD draws from the chunks a worker holds: the whole-data-set sampling of the other presets is not its key.
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "redundancy": 0.25, "sampling": "data_set"})"))
            .starts_with("scenario.algorithm.sampling: unknown key for algorithm ri_sgd"));
}

TEST_CASE("the family's values are checked with their JSON paths") {
  CHECK(error_of(scenario(R"({"name": "easgd", "step_size": 1, "alpha": 0.0625})")) ==
        "scenario.algorithm.alpha: must be a number in (0, 1/cluster.workers) = (0, 0.0625), got 0.0625");
  CHECK(error_of(scenario(R"({"name": "easgd", "step_size": 1})")).starts_with("scenario.algorithm.alpha: is required"));
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "anchor": "server"})"))
            .starts_with("scenario.algorithm.anchor: applies to auxiliary models only"));
  CHECK(error_of(scenario(R"({"name": "dpsgd", "step_size": 1, "tau": {"schedule": "loss", "tau0": 2}})")) ==
        "scenario.algorithm.tau: must be an integer >= 1, got an object");
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "tau": {"schedule": "linear", "tau0": 2}})"))
            .starts_with("scenario.algorithm.tau: a linear schedule takes alpha"));
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "tau": {"schedule": "linear", "tau0": 2,
      "rounds": 3}})", 16, R"({"time": 5})")) ==
        "scenario.algorithm.tau.rounds: needs stop.iterations: alpha is solved so that the rounds cover them");
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "tau": {"schedule": "list", "taus": [2, 0]}})")) ==
        "scenario.algorithm.tau.taus[1]: must be an integer >= 1, got 0");
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "tau": {"schedule": "list", "tau0": 2}})"))
            .starts_with("scenario.algorithm.tau.tau0: unknown key for schedule list"));
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "tau": {"schedule": "loss", "tau0": 2}})", 16,
                          R"({"iterations": 10})", false)) ==
        "scenario.algorithm.tau: the loss schedule needs the loss, but cluster.compute.numerics is false");
  CHECK(error_of(scenario(R"({"name": "dpsgd", "step_size": 1, "topology": "erdos_renyi"})"))
            .starts_with("scenario.algorithm.topology: erdos_renyi needs its edge probability"));
  CHECK(error_of(scenario(R"({"name": "dpsgd", "step_size": 1, "topology": {"graph": "ring", "rows": 2}})"))
            .starts_with("scenario.algorithm.topology.rows: unknown key for graph ring"));
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "topology": "ring",
      "mixing": [[1]]})")) == "scenario.algorithm.topology: give a topology (with its weights) or a mixing matrix, not both");
}

TEST_CASE("an explicit mixing matrix: inline or CSV, square, doubly stochastic, with auxiliary models after the workers") {
  // Three workers and one auxiliary model (EASGD's W_α with α = 0.25 written out).
  const std::string w = R"([[0.75, 0, 0, 0.25], [0, 0.75, 0, 0.25], [0, 0, 0.75, 0.25], [0.25, 0.25, 0.25, 0.25]])";
  const Scenario s = parse_scenario(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": )" + w + "}", 3));
  CHECK(params(s).mixing.auxiliary() == 1);
  CHECK(params(s).anchor == AnchorPlacement::REPLICATED);
  CHECK(params(s).mixing.zeta() == doctest::Approx(0.75));  // max(1 − α, |1 − 4α|)
  CHECK(parse_scenario(s.resolved_json).resolved_json == s.resolved_json);
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": [[0.5, 0.5], [0.5]]})", 2)) ==
        "scenario.algorithm.mixing[1]: has 1 entries, but the matrix has 2 rows: W must be square");
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": [[0.5, 0.6], [0.5, 0.4]]})", 2)) ==
        "scenario.algorithm.mixing: row 0 sums to 1.1 (off by 0.1): a mixing matrix is doubly stochastic, every row "
        "and column sums to 1");
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": )" + w + R"(, "anchor": "server"})", 2))
            .starts_with("scenario.algorithm.anchor: a server holds one auxiliary model, this mixing matrix has 2"));

  const auto dir = std::filesystem::temp_directory_path() / ("sgdsim_mixing_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "w.csv") << "# a path of three workers\n0.5,0.5,0\n0.5,0,0.5\n0,0.5,0.5\n";
  std::ofstream(dir / "bad.csv") << "0.5,0.5\n0.5,x\n";
  const Scenario csv = parse_scenario(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": "w.csv"})", 3), {}, dir);
  CHECK(params(csv).mixing.at(1, 2) == 0.5);
  CHECK(csv.resolved_json.find("\"mixing\": \"" + (dir / "w.csv").string() + "\"") != std::string::npos);
  CHECK(error_of(scenario(R"({"name": "cooperative", "step_size": 1, "mixing": "bad.csv"})", 2), dir) ==
        (dir / "bad.csv").string() + ":2: field 2 is not a number: \"x\"");
  std::filesystem::remove_all(dir);
}

TEST_CASE("ri_sgd: its keys with their defaults, and their errors") {
  const Scenario s = parse_scenario(scenario(R"({"name": "ri_sgd", "step_size": 0.1, "tau": 50})", 4));
  CHECK(s.resolved_json.find(R"("batch_size": 32,
    "tau": 50,
    "redundancy": 0.0,
    "replication": "cyclic",
    "combine": "sum",
    "replication_cost": false,
    "wait_for": 4)") != std::string::npos);
  REQUIRE(params(s).redundancy.has_value());
  CHECK(params(s).mixing.is_average());
  const Scenario h = parse_scenario(scenario(R"({"name": "ri_sgd", "step_size": 0.1, "redundancy": 0.25,
      "replication": "heterogeneous", "redundancy_std": 0.1, "combine": "mean", "replication_cost": true})", 4));
  CHECK(params(h).redundancy->replication == Redundancy::Replication::HETEROGENEOUS);
  CHECK(params(h).redundancy->std_dev == 0.1);
  CHECK_FALSE(params(h).redundancy->sum);
  CHECK(params(h).redundancy->replication_cost);
  CHECK(parse_scenario(h.resolved_json).resolved_json == h.resolved_json);
  CHECK(params(parse_scenario(scenario(R"({"name": "ri_sgd", "step_size": 1, "redundancy": 0.75})", 4)))
            .redundancy->mu == 0.75);

  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "redundancy": 0.8})", 4)) ==
        "scenario.algorithm.redundancy: must be a number in [0, (cluster.workers - 1)/cluster.workers] = [0, 0.75], "
        "got 0.8");
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "redundancy": -0.1})", 4))
            .starts_with("scenario.algorithm.redundancy: must be a number in [0, "));
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "replication": "random"})", 4)) ==
        "scenario.algorithm.replication: must be one of cyclic, heterogeneous, got \"random\"");
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "replication": "heterogeneous"})", 4))
            .starts_with("scenario.algorithm.redundancy_std: is required"));
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "redundancy_std": 0.1})", 4)) ==
        "scenario.algorithm.redundancy_std: applies to \"replication\": \"heterogeneous\" only");
  CHECK(error_of(scenario(R"({"name": "ri_sgd", "step_size": 1, "combine": "max"})", 4)) ==
        "scenario.algorithm.combine: must be one of sum, mean, got \"max\"");
  CHECK(error_of(scenario(R"({"name": "local_sgd", "step_size": 1, "redundancy": 0.25})", 4))
            .starts_with("scenario.algorithm.redundancy: unknown key for algorithm local_sgd"));
}
