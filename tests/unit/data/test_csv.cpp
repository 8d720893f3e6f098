// CSV loader: label by header name or index, label mapping, and each malformed input (errors name file:line).
#include <doctest/doctest.h>

#include <vector>

#include "data_test_util.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

using sgdsim::ConfigError;
using sgdsim::CsvData;
using sgdsim::DataError;
using sgdsim::Dataset;
using sgdsim::load_csv;
using sgdsim::kernels::Loss;
using sgdsim::test::error_of;
using sgdsim::test::TempFile;

namespace {

CsvData spec(std::variant<std::int64_t, std::string> label, bool header) {
  CsvData s;
  s.label_column = std::move(label);
  s.header = header;
  return s;
}

std::string csv_error(const TempFile& file, const CsvData& s) {
  return error_of<DataError>([&] { load_csv(file.path(), s, Loss::LOGISTIC); });
}

}  // namespace

TEST_CASE("csv: with a header the label column is found by name and 0/1 labels become -1/+1") {
  const Dataset d = load_csv(sgdsim::test::fixture("small.csv"), spec(std::string("y"), true), Loss::LOGISTIC);
  CHECK_FALSE(d.sparse);
  CHECK(d.rows == 3);
  CHECK(d.cols == 2);
  CHECK(d.dense == std::vector<double>{1.5, 2.0, -1.0, 0.25, 3.0, 1e-3});
  CHECK(d.labels == std::vector<double>{-1.0, 1.0, -1.0});
  CHECK(d.bytes() == 6 * 8 + 3 * 8);
  const auto view = d.view();
  const auto* dense = std::get_if<sgdsim::kernels::Dense<double>>(&view.features);
  REQUIRE(dense != nullptr);
  CHECK(dense->values == d.dense.data());
  CHECK(view.rows() == 3);
  CHECK(view.cols() == 2);
}

TEST_CASE("csv: the label column by index gives the same data, with or without a header") {
  const Dataset by_index = load_csv(sgdsim::test::fixture("small.csv"), spec(std::int64_t{1}, true), Loss::LOGISTIC);
  CHECK(by_index.dense == std::vector<double>{1.5, 2.0, -1.0, 0.25, 3.0, 1e-3});
  CHECK(by_index.labels == std::vector<double>{-1.0, 1.0, -1.0});
  const TempFile file("plain.csv", "4,1,2\n-2.5,3,4\n");
  const Dataset plain = load_csv(file.path(), spec(std::int64_t{0}, false), Loss::LEAST_SQUARES);
  CHECK(plain.dense == std::vector<double>{1.0, 2.0, 3.0, 4.0});
  CHECK(plain.labels == std::vector<double>{4.0, -2.5});
}

TEST_CASE("csv: a row with another number of fields is an error naming its line") {
  const TempFile file("ragged.csv", "a,b,c\n1,0,2\n1,1\n");
  const std::string msg = csv_error(file, spec(std::string("b"), true));
  CHECK(msg.find(file.at(3)) == 0);
  CHECK(msg.find("2 fields") != std::string::npos);
}

TEST_CASE("csv: an empty field is an error naming its line") {
  const TempFile file("emptyfield.csv", "1,0,2\n1,,2\n");
  const std::string msg = csv_error(file, spec(std::int64_t{1}, false));
  CHECK(msg.find(file.at(2)) == 0);
  CHECK(msg.find("empty field") != std::string::npos);
}

TEST_CASE("csv: a non-numeric field is an error naming its line") {
  const TempFile file("text.csv", "1,0,2\n1,1,2\n1,0,two\n");
  const std::string msg = csv_error(file, spec(std::int64_t{1}, false));
  CHECK(msg.find(file.at(3)) == 0);
  CHECK(msg.find("'two'") != std::string::npos);
}

TEST_CASE("csv: NaN or Inf is an error naming its line") {
  const TempFile nan("nan.csv", "h1,h2\n1,nan\n");
  CHECK(csv_error(nan, spec(std::int64_t{0}, true)).find(nan.at(2)) == 0);
  const TempFile inf("inf.csv", "1,1\n-inf,1\n");
  CHECK(csv_error(inf, spec(std::int64_t{1}, false)).find(inf.at(2)) == 0);
}

TEST_CASE("csv: a file without data rows is an error '<file>: no data'") {
  const TempFile empty("empty.csv", "");
  CHECK(csv_error(empty, spec(std::int64_t{0}, false)) == empty.path().string() + ": no data");
  const TempFile header_only("header.csv", "a,b\n");
  CHECK(csv_error(header_only, spec(std::string("a"), true)) == header_only.path().string() + ": no data");
}

TEST_CASE("csv: a label name missing from the header, or an index past the last column, is an error at line 1") {
  const TempFile file("cols.csv", "a,b\n1,1\n");
  const std::string by_name = csv_error(file, spec(std::string("y"), true));
  CHECK(by_name.find(file.at(1)) == 0);
  CHECK(by_name.find("\"y\"") != std::string::npos);
  CHECK(csv_error(file, spec(std::int64_t{2}, true)).find(file.at(1)) == 0);
}

TEST_CASE("csv: a label name without a header is a ConfigError") {
  const TempFile file("nohead.csv", "1,1\n");
  const std::string msg =
      error_of<ConfigError>([&] { load_csv(file.path(), spec(std::string("y"), false), Loss::LOGISTIC); });
  CHECK(msg.find("header") != std::string::npos);
}

TEST_CASE("csv: a logistic label outside -1/+1, 0/1, 1/2 is an error naming its line") {
  const TempFile file("badlabel.csv", "1,2\n-1,2\n0.5,2\n");
  CHECK(csv_error(file, spec(std::int64_t{0}, false)).find(file.at(3)) == 0);
}
