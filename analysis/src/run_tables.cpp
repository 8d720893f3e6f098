// Reading trace.csv, workers.csv and model.csv back: a header, then rows of numbers, fields found by column name.
#include "sgdsim/analysis/run_tables.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

namespace {

// The rows of a numeric CSV file, with its header's column names.
class NumericCsv {
 public:
  explicit NumericCsv(const std::filesystem::path& path) : path_(path.string()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) SGDSIM_THROW(DataError, path_ + ": cannot read the file");
    std::string line;
    if (!std::getline(in, line)) SGDSIM_THROW(DataError, path_ + ":1: empty file (no header)");
    const auto names = split(line);
    for (std::size_t i = 0; i < names.size(); ++i) columns_[names[i]] = i;
    for (std::size_t number = 2; std::getline(in, line); ++number) {
      if (line.empty() || line == "\r") continue;
      const auto fields = split(line);
      if (fields.size() != names.size()) {
        SGDSIM_THROW(DataError, where(number) + ": " + std::to_string(fields.size()) + " fields, the header has " +
                                    std::to_string(names.size()));
      }
      std::vector<double> row;
      row.reserve(fields.size());
      for (const auto& f : fields) row.push_back(parse(f, number));
      rows_.push_back(std::move(row));
      lines_.push_back(number);
    }
  }

  std::size_t rows() const { return rows_.size(); }
  bool has(const std::string& name) const { return columns_.count(name) != 0; }
  std::size_t column(const std::string& name) const {
    const auto it = columns_.find(name);
    if (it == columns_.end()) SGDSIM_THROW(DataError, path_ + ":1: no column \"" + name + "\"");
    return it->second;
  }
  double number(std::size_t row, std::size_t column) const { return rows_[row][column]; }
  std::int64_t integer(std::size_t row, std::size_t column) const {
    const double v = rows_[row][column];
    if (!(v == std::floor(v))) SGDSIM_THROW(DataError, where(lines_[row]) + ": expected an integer");
    return static_cast<std::int64_t>(v);
  }

 private:
  std::string where(std::size_t line) const { return path_ + ":" + std::to_string(line); }

  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    for (char ch : line) {
      if (ch == ',') {
        out.emplace_back();
      } else if (ch != '\r') {
        out.back() += ch;
      }
    }
    return out;
  }

  double parse(const std::string& text, std::size_t line) const {
    if (text.empty()) return NOT_EVALUATED;
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      // from_chars reads "inf" and "nan" but not every spelling printf writes ("-nan"): those are NaN too.
      if (text == "-nan" || text == "nan") return NOT_EVALUATED;
      SGDSIM_THROW(DataError, where(line) + ": not a number: \"" + text + "\"");
    }
    return v;
  }

  std::string path_;
  std::map<std::string, std::size_t> columns_;
  std::vector<std::vector<double>> rows_;
  std::vector<std::size_t> lines_;
};

}  // namespace

std::vector<IterationRecord> read_trace_csv(const std::filesystem::path& file) {
  const NumericCsv csv(file);
  const std::size_t run = csv.column("run"), iteration = csv.column("iteration"), time = csv.column("time"),
                    loss = csv.column("loss"), grad = csv.column("grad_norm"), rounds = csv.column("comm_rounds"),
                    bytes = csv.column("bytes"), waited = csv.column("waited_for");
  std::vector<IterationRecord> out(csv.rows());
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    auto& r = out[i];
    r.run = static_cast<int>(csv.integer(i, run));
    r.iteration = csv.integer(i, iteration);
    r.time = csv.number(i, time);
    r.loss = csv.number(i, loss);
    r.grad_norm = csv.number(i, grad);
    r.comm_rounds = csv.integer(i, rounds);
    r.bytes = static_cast<std::uint64_t>(csv.integer(i, bytes));
    r.waited_for = static_cast<int>(csv.integer(i, waited));
  }
  // The model-averaging family's columns (absent for other algorithms; empty fields where no round ended).
  if (csv.has("tau") && csv.has("consensus")) {
    const std::size_t tau = csv.column("tau"), consensus = csv.column("consensus");
    for (std::size_t i = 0; i < csv.rows(); ++i) {
      const double t = csv.number(i, tau);
      out[i].tau = std::isnan(t) ? 0 : csv.integer(i, tau);
      out[i].consensus = csv.number(i, consensus);
    }
  }
  // Where rank 0's model is not the average of all models (run directories from before the column lack it).
  if (csv.has("average_grad_norm")) {
    const std::size_t average = csv.column("average_grad_norm");
    for (std::size_t i = 0; i < csv.rows(); ++i) out[i].average_grad_norm = csv.number(i, average);
  }
  return out;
}

std::vector<WorkerRecord> read_workers_csv(const std::filesystem::path& file) {
  const NumericCsv csv(file);
  const std::size_t run = csv.column("run"), iteration = csv.column("iteration"), worker = csv.column("worker"),
                    start = csv.column("start"), compute = csv.column("compute"), arrival = csv.column("arrival"),
                    computed = csv.column("computed"), used = csv.column("used"), dropped = csv.column("dropped");
  std::vector<WorkerRecord> out(csv.rows());
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    auto& w = out[i];
    w.run = static_cast<int>(csv.integer(i, run));
    w.iteration = csv.integer(i, iteration);
    w.worker = static_cast<int>(csv.integer(i, worker));
    w.start = csv.number(i, start);
    w.compute = csv.number(i, compute);
    w.arrival = csv.number(i, arrival);
    w.computed = csv.integer(i, computed) != 0;
    w.used = csv.integer(i, used) != 0;
    w.dropped = csv.integer(i, dropped) != 0;
  }
  return out;
}

std::vector<std::vector<double>> read_model_csv(const std::filesystem::path& file) {
  const NumericCsv csv(file);
  const std::size_t run = csv.column("run"), index = csv.column("index"), value = csv.column("value");
  std::vector<std::vector<double>> models;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const auto r = static_cast<std::size_t>(csv.integer(i, run));
    const auto j = static_cast<std::size_t>(csv.integer(i, index));
    if (models.size() <= r) models.resize(r + 1);
    if (models[r].size() <= j) models[r].resize(j + 1, NOT_EVALUATED);
    models[r][j] = csv.number(i, value);
  }
  return models;
}

}  // namespace sgdsim::analysis
