// LIBSVM loader: exact CSR arrays of a hand-written file, label conventions, features, and each malformed input.
#include <doctest/doctest.h>

#include <vector>

#include "data_test_util.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

using sgdsim::DataError;
using sgdsim::Dataset;
using sgdsim::load_libsvm;
using sgdsim::kernels::Loss;
using sgdsim::test::error_of;
using sgdsim::test::TempFile;

namespace {

sgdsim::LibsvmData spec(std::optional<std::int64_t> features = {}, std::optional<bool> zero_based = {}) {
  sgdsim::LibsvmData d;
  d.features = features;
  d.zero_based = zero_based;
  return d;
}

// The message of loading `content` (logistic, no features option); it must be a DataError.
std::string libsvm_error(const TempFile& file, std::optional<std::int64_t> features = std::nullopt) {
  return error_of<DataError>([&] { load_libsvm(file.path(), spec(features), Loss::LOGISTIC); });
}

}  // namespace

TEST_CASE("libsvm: a hand-written file gives exactly these CSR arrays with 0-based columns") {
  const Dataset d = load_libsvm(sgdsim::test::fixture("small.svm"), spec(), Loss::LOGISTIC);
  CHECK(d.sparse);
  CHECK(d.rows == 4);
  CHECK(d.cols == 5);  // the largest index seen
  CHECK(d.row_ptr == std::vector<std::int64_t>{0, 2, 3, 3, 7});
  CHECK(d.col_index == std::vector<std::int32_t>{0, 2, 1, 0, 1, 2, 4});
  CHECK(d.values == std::vector<double>{0.5, -2.0, 15.0, 1.0, 2.0, 3.0, 4.0});
  CHECK(d.labels == std::vector<double>{1.0, -1.0, -1.0, 1.0});
  CHECK(d.dense.empty());
  CHECK(d.bytes() == 5 * 8 + 7 * 4 + 7 * 8 + 4 * 8);
  const auto view = d.view();
  const auto* csr = std::get_if<sgdsim::kernels::Csr<double>>(&view.features);
  REQUIRE(csr != nullptr);
  CHECK(csr->row_ptr == d.row_ptr.data());
  CHECK(csr->cols == 5);
  CHECK(view.labels == d.labels.data());
}

TEST_CASE("libsvm: the features option sets the column count beyond the largest index") {
  const Dataset d = load_libsvm(sgdsim::test::fixture("small.svm"), spec(8), Loss::LOGISTIC);
  CHECK(d.cols == 8);
  CHECK(d.col_index == std::vector<std::int32_t>{0, 2, 1, 0, 1, 2, 4});
}

TEST_CASE("libsvm: an index above the features option is an error naming its line") {
  const std::string msg =
      error_of<DataError>([] { load_libsvm(sgdsim::test::fixture("small.svm"), spec(4), Loss::LOGISTIC); });
  CHECK(msg.find(sgdsim::test::fixture("small.svm").string() + ":6: ") == 0);
  CHECK(msg.find("larger than features") != std::string::npos);
}

TEST_CASE("libsvm: logistic labels 0/1 map to -1/+1 and 1/2 map to -1/+1") {
  const TempFile zero_one("zo.svm", "0 1:1\n1 2:1\n0 1:2\n");
  CHECK(load_libsvm(zero_one.path(), spec(), Loss::LOGISTIC).labels == std::vector<double>{-1, 1, -1});
  const TempFile one_two("ot.svm", "1 1:1\n2 1:1\n2 1:1\n");
  CHECK(load_libsvm(one_two.path(), spec(), Loss::LOGISTIC).labels == std::vector<double>{-1, 1, 1});
  const TempFile all_one("one.svm", "1 1:1\n1 1:1\n");
  CHECK(load_libsvm(all_one.path(), spec(), Loss::LOGISTIC).labels == std::vector<double>{1, 1});
}

TEST_CASE("libsvm: least squares keeps any finite label unchanged") {
  const TempFile file("ls.svm", "3.5 1:1\n-0.25 2:1\n0 1:1\n");
  CHECK(load_libsvm(file.path(), spec(), Loss::LEAST_SQUARES).labels == std::vector<double>{3.5, -0.25, 0.0});
}

TEST_CASE("libsvm: mixed label conventions are an error naming the first misfit line") {
  const TempFile file("mixed.svm", "1 1:1\n0 1:1\n2 1:1\n");
  const std::string msg = libsvm_error(file);
  CHECK(msg.find(file.at(3)) == 0);
  CHECK(msg.find("does not fit") != std::string::npos);
}

TEST_CASE("libsvm: a logistic label outside the conventions is an error naming its line") {
  const TempFile file("three.svm", "1 1:1\n3 1:1\n");
  CHECK(libsvm_error(file).find(file.at(2)) == 0);
}

TEST_CASE("libsvm: a token that is not idx:val is an error naming its line") {
  const TempFile file("tok.svm", "1 1:1\n-1 1:0.5 foo\n");
  const std::string msg = libsvm_error(file);
  CHECK(msg.find(file.at(2)) == 0);
  CHECK(msg.find("'foo'") != std::string::npos);
}

TEST_CASE("libsvm: a non-numeric value or index is an error naming its line") {
  const TempFile value("val.svm", "1 1:abc\n");
  CHECK(libsvm_error(value).find(value.at(1)) == 0);
  const TempFile index("idx.svm", "1 1:1\n1 x:1\n");
  CHECK(libsvm_error(index).find(index.at(2)) == 0);
  const TempFile label("lab.svm", "yes 1:1\n");
  CHECK(libsvm_error(label).find(label.at(1)) == 0);
}

TEST_CASE("libsvm: index 0 with zero_based false, or a negative index, is an error naming its line") {
  const TempFile zero("zero.svm", "1 1:1\n1 0:1\n");
  const std::string msg = error_of<DataError>([&] { load_libsvm(zero.path(), spec({}, false), Loss::LOGISTIC); });
  CHECK(msg.find(zero.at(2)) == 0);
  CHECK(msg.find("zero_based false") != std::string::npos);
  const TempFile negative("neg.svm", "\n1 -2:1\n");
  CHECK(libsvm_error(negative).find(negative.at(2)) == 0);
}

TEST_CASE("libsvm: a file with an index 0 is read 0-based by default (scikit-learn's zero_based auto)") {
  const TempFile file("sk.svm", "1 0:0.5 2:3\n-1 1:2\n");
  const Dataset d = load_libsvm(file.path(), spec(), Loss::LOGISTIC);
  CHECK(d.col_index == std::vector<std::int32_t>{0, 2, 1});
  CHECK(d.cols == 3);
  // The same file forced 1-based is refused; forced 0-based it reads the same.
  CHECK(load_libsvm(file.path(), spec({}, true), Loss::LOGISTIC).col_index == d.col_index);
  const TempFile one_based("one.svm", "1 1:0.5 3:3\n-1 2:2\n");
  const Dataset e = load_libsvm(one_based.path(), spec(), Loss::LOGISTIC);
  CHECK(e.col_index == std::vector<std::int32_t>{0, 2, 1});
  CHECK(e.cols == 3);
  // zero_based true on a file without index 0: indices are taken as they are.
  CHECK(load_libsvm(one_based.path(), spec({}, true), Loss::LOGISTIC).cols == 4);
}

TEST_CASE("libsvm: in a 0-based file the largest index must be below features, and the error says why") {
  const TempFile file("sk3.svm", "1 0:1\n-1 3:1\n");
  CHECK(load_libsvm(file.path(), spec(4), Loss::LOGISTIC).cols == 4);
  const std::string msg = libsvm_error(file, 3);
  CHECK(msg.find(file.at(2)) == 0);
  CHECK(msg.find("0-based") != std::string::npos);
  CHECK(msg.find("line 1 holds an index 0") != std::string::npos);
}

TEST_CASE("libsvm: indices not strictly increasing are an error naming their line") {
  const TempFile decreasing("dec.svm", "1 3:1 2:1\n");
  CHECK(libsvm_error(decreasing).find(decreasing.at(1)) == 0);
  const TempFile repeated("rep.svm", "1 1:1\n1 2:1 2:1\n");
  const std::string msg = libsvm_error(repeated);
  CHECK(msg.find(repeated.at(2)) == 0);
  CHECK(msg.find("strictly increasing") != std::string::npos);
}

TEST_CASE("libsvm: a line starting with idx:val has no label and is an error naming its line") {
  const TempFile file("nolabel.svm", "1 1:1\n1:0.5 2:1\n");
  const std::string msg = libsvm_error(file);
  CHECK(msg.find(file.at(2)) == 0);
  CHECK(msg.find("missing label") != std::string::npos);
}

TEST_CASE("libsvm: NaN or Inf in a value or a label is an error naming its line") {
  const TempFile value("nan.svm", "1 1:nan\n");
  CHECK(libsvm_error(value).find(value.at(1)) == 0);
  const TempFile label("inf.svm", "1 1:1\ninf 1:1\n");
  const std::string msg = error_of<DataError>([&] { load_libsvm(label.path(), spec(), Loss::LEAST_SQUARES); });
  CHECK(msg.find(label.at(2)) == 0);
}

TEST_CASE("libsvm: a file without data lines is an error '<file>: no data'") {
  const TempFile file("empty.svm", "# only a comment\n\n");
  CHECK(libsvm_error(file) == file.path().string() + ": no data");
}

TEST_CASE("libsvm: a missing file is a DataError naming it") {
  const std::string msg = error_of<DataError>([] { load_libsvm("/nonexistent/sgdsim.svm", spec(), Loss::LOGISTIC); });
  CHECK(msg.find("/nonexistent/sgdsim.svm: ") == 0);
}
