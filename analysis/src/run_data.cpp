// Reading a run directory back: scenario.json through the scenario parser, trace.csv and model.csv by column name.
#include "sgdsim/analysis/run_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

namespace {

// A CSV file of numbers with a header line; fields are looked up by column name, so that columns added later (or
// in another order) do not break reading. Empty fields are NaN (a value that was not evaluated).
class NumberCsv {
 public:
  explicit NumberCsv(const std::filesystem::path& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) SGDSIM_THROW(DataError, path.string() + ": cannot read the file");
    std::string line;
    if (!std::getline(in, line)) SGDSIM_THROW(DataError, path.string() + ":1: empty file (no header)");
    const auto names = split(line);
    for (std::size_t i = 0; i < names.size(); ++i) columns_[names[i]] = i;
    std::int64_t number = 1;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      const auto fields = split(line);
      if (fields.size() != names.size()) {
        SGDSIM_THROW(DataError, path.string() + ":" + std::to_string(number) + ": " + std::to_string(fields.size()) +
                                    " fields, the header has " + std::to_string(names.size()));
      }
      std::vector<double> row;
      for (const auto& f : fields) row.push_back(parse(f, number));
      rows_.push_back(std::move(row));
      lines_.push_back(number);
    }
  }
  std::size_t size() const { return rows_.size(); }
  // The column's index; DataError when the file lacks it.
  std::size_t column(const std::string& name) const {
    const auto it = columns_.find(name);
    if (it == columns_.end()) SGDSIM_THROW(DataError, path_.string() + ":1: no column \"" + name + "\"");
    return it->second;
  }
  double at(std::size_t row, std::size_t column) const { return rows_[row][column]; }
  // Integral fields (run, iteration, ...): DataError naming the line when the value is not an integer.
  std::int64_t integer(std::size_t row, std::size_t column) const {
    const double v = rows_[row][column];
    if (!(v == std::floor(v))) {
      SGDSIM_THROW(DataError, path_.string() + ":" + std::to_string(lines_[row]) + ": expected an integer, got " +
                                  std::to_string(v));
    }
    return static_cast<std::int64_t>(v);
  }

 private:
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) out.push_back(field);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    for (auto& f : out) {
      if (!f.empty() && f.back() == '\r') f.pop_back();
    }
    return out;
  }
  double parse(const std::string& text, std::int64_t line) const {
    if (text.empty()) return NOT_EVALUATED;
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
      SGDSIM_THROW(DataError, path_.string() + ":" + std::to_string(line) + ": not a number: \"" + text + "\"");
    }
    return v;
  }

  std::filesystem::path path_;
  std::map<std::string, std::size_t> columns_;
  std::vector<std::vector<double>> rows_;
  std::vector<std::int64_t> lines_;
};

}  // namespace

RunDirectory read_run_directory(const std::filesystem::path& dir) {
  RunDirectory out;
  out.dir = dir;
  if (!std::filesystem::is_regular_file(dir / "summary.json")) {
    SGDSIM_THROW(ConfigError, dir.string() + ": not a complete run directory (no summary.json)");
  }
  out.scenario = load_scenario(dir / "scenario.json");

  const NumberCsv trace(dir / "trace.csv");
  const std::size_t run = trace.column("run"), iteration = trace.column("iteration"), time = trace.column("time"),
                    loss = trace.column("loss"), grad = trace.column("grad_norm"), rounds = trace.column("comm_rounds"),
                    bytes = trace.column("bytes"), waited = trace.column("waited_for");
  for (std::size_t i = 0; i < trace.size(); ++i) {
    IterationRecord r;
    r.run = static_cast<int>(trace.integer(i, run));
    r.iteration = trace.integer(i, iteration);
    r.time = trace.at(i, time);
    r.loss = trace.at(i, loss);
    r.grad_norm = trace.at(i, grad);
    r.comm_rounds = trace.integer(i, rounds);
    r.bytes = static_cast<std::uint64_t>(trace.integer(i, bytes));
    r.waited_for = static_cast<int>(trace.integer(i, waited));
    out.results.iterations.push_back(r);
  }

  const NumberCsv model(dir / "model.csv");
  const std::size_t model_run = model.column("run"), index = model.column("index"), value = model.column("value");
  for (std::size_t i = 0; i < model.size(); ++i) {
    const auto r = static_cast<std::size_t>(model.integer(i, model_run));
    const auto j = static_cast<std::size_t>(model.integer(i, index));
    if (out.results.models.size() <= r) out.results.models.resize(r + 1);
    auto& m = out.results.models[r];
    if (m.size() <= j) m.resize(j + 1, NOT_EVALUATED);
    m[j] = model.at(i, value);
  }
  return out;
}

std::vector<std::filesystem::path> find_run_directories(const std::filesystem::path& dir) {
  if (std::filesystem::is_regular_file(dir / "scenario.json")) return {dir};
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && std::filesystem::is_regular_file(entry.path() / "scenario.json"))
      out.push_back(entry.path());
  }
  if (ec) SGDSIM_THROW(ConfigError, dir.string() + ": cannot list the directory: " + ec.message());
  std::sort(out.begin(), out.end());
  if (out.empty()) SGDSIM_THROW(ConfigError, dir.string() + ": neither a run directory (scenario.json) nor a study of them");
  return out;
}

}  // namespace sgdsim::analysis
