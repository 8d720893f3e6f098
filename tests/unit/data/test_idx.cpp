// The IDX loader on files the test writes (plain and gzipped), class-label mapping, the holdout split, densify.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "data_test_util.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

// An IDX file's bytes: header (type, dimensions big-endian), then the raw big-endian values given as bytes.
std::string idx_bytes(int type, const std::vector<std::uint32_t>& dims, const std::vector<unsigned char>& values) {
  std::string out = {'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
  for (auto d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((d >> shift) & 0xff));
  }
  out.append(values.begin(), values.end());
  return out;
}

// Writes the bytes gzipped to `path` (zlib, the format of the Debian data sets).
void write_gzipped(const std::string& bytes, const std::filesystem::path& path) {
  gzFile f = gzopen(path.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  gzclose(f);
}

// 3 images of 2×2 unsigned bytes, labels 7, 0, 7.
const std::vector<unsigned char> PIXELS = {0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0};
const std::string IMAGES = idx_bytes(0x08, {3, 2, 2}, PIXELS);
const std::string LABELS = idx_bytes(0x08, {3}, {7, 0, 7});

}  // namespace

TEST_CASE("idx: unsigned-byte images are flattened and scaled by 1/255 by default") {
  const test::TempFile images("images.idx", IMAGES);
  const test::TempFile labels("labels.idx", LABELS);
  const Dataset d = load_idx({images.path(), labels.path(), {}, {}});
  CHECK(d.rows == 3);
  CHECK(d.cols == 4);
  CHECK(!d.sparse);
  CHECK(d.dense[1] == doctest::Approx(1.0));
  CHECK(d.dense[2] == doctest::Approx(0.2));
  CHECK(d.dense[7] == doctest::Approx(4.0 / 255));
  CHECK(d.labels == std::vector<double>{7, 0, 7});
}

TEST_CASE("idx: gzipped files read like plain ones, limit and scale apply") {
  const test::TempFile images("images.idx.gz", "");
  const test::TempFile labels("labels.idx.gz", "");
  write_gzipped(IMAGES, images.path());
  write_gzipped(LABELS, labels.path());
  const Dataset d = load_idx({images.path(), labels.path(), 2, 2.0});
  CHECK(d.rows == 2);
  CHECK(d.dense == std::vector<double>{0, 510, 102, 204, 2, 4, 6, 8});
  CHECK(d.labels == std::vector<double>{7, 0});
}

TEST_CASE("idx: big-endian int16 and float32 values") {
  // int16 −2 = 0xFFFE, 258 = 0x0102; float32 1.5 = 0x3FC00000.
  const test::TempFile shorts("shorts.idx", idx_bytes(0x0B, {2, 1}, {0xFF, 0xFE, 0x01, 0x02}));
  const test::TempFile floats("floats.idx", idx_bytes(0x0D, {1, 1}, {0x3F, 0xC0, 0x00, 0x00}));
  const test::TempFile labels2("labels2.idx", idx_bytes(0x08, {2}, {1, 0}));
  const test::TempFile labels1("labels1.idx", idx_bytes(0x08, {1}, {1}));
  CHECK(load_idx({shorts.path(), labels2.path(), {}, {}}).dense == std::vector<double>{-2, 258});
  CHECK(load_idx({floats.path(), labels1.path(), {}, {}}).dense == std::vector<double>{1.5});
}

TEST_CASE("idx: malformed files name the file and what is wrong") {
  const test::TempFile images("images.idx", IMAGES);
  const test::TempFile labels("labels.idx", LABELS);
  const test::TempFile short_data("short.idx", IMAGES.substr(0, IMAGES.size() - 1));
  const test::TempFile not_idx("text.idx", "hello world");
  const test::TempFile bad_type("type.idx", idx_bytes(0x07, {1}, {0}));
  const test::TempFile two_labels("two.idx", idx_bytes(0x08, {2}, {1, 2}));
  const test::TempFile float_labels("fl.idx", idx_bytes(0x0D, {3}, std::vector<unsigned char>(12, 0)));
  using test::error_of;
  CHECK(error_of<DataError>([&] { load_idx({short_data.path(), labels.path(), {}, {}}); }) ==
        short_data.path().string() + ": truncated: the data has 11 of 12 bytes");
  CHECK(error_of<DataError>([&] { load_idx({not_idx.path(), labels.path(), {}, {}}); }) ==
        not_idx.path().string() + ": not an IDX file (it must start with two zero bytes)");
  CHECK(error_of<DataError>([&] { load_idx({bad_type.path(), labels.path(), {}, {}}); })
            .starts_with(bad_type.path().string() + ": unknown IDX element type 0x07"));
  CHECK(error_of<DataError>([&] { load_idx({images.path(), two_labels.path(), {}, {}}); }) ==
        two_labels.path().string() + ": 2 labels for the 3 images of " + images.path().string());
  CHECK(error_of<DataError>([&] { load_idx({images.path(), float_labels.path(), {}, {}}); })
            .starts_with(float_labels.path().string() + ": labels must be of an integer type"));
  CHECK(error_of<DataError>([&] { load_idx({images.path() / "missing", labels.path(), {}, {}}); })
            .starts_with((images.path() / "missing").string() + ": cannot open"));
}

TEST_CASE("class labels map to 0..C-1 in increasing order over training and test sets together") {
  Dataset train, test;
  train.labels = {7, -1, 7, 3};
  test.labels = {3, 10};
  CHECK(map_classes(train, &test) == 4);
  CHECK(train.labels == std::vector<double>{2, 0, 2, 1});
  CHECK(test.labels == std::vector<double>{1, 3});
  Dataset single;
  single.labels = {5, 5};
  CHECK(test::error_of<DataError>([&] { map_classes(single, nullptr); })
            .starts_with("the data has 1 class(es): a classifier needs labels of at least 2 classes"));
}

TEST_CASE("class labels in LIBSVM files must be integers, named by file:line") {
  const test::TempFile f("classes.svm", "3 1:1\n2.5 1:2\n");
  CHECK(test::error_of<DataError>([&] { load_libsvm(f.path(), {}, LabelKind::CLASS); }) ==
        f.at(2) + "class label 2.5 is not an integer");
  const test::TempFile ok("classes_ok.svm", "3 1:1\n-2 2:2\n");
  CHECK(load_libsvm(ok.path(), {}, LabelKind::CLASS).labels == std::vector<double>{3, -2});
}

TEST_CASE("holdout: a seeded split keeping row order, the same for the same seed") {
  Dataset d;
  d.rows = 10;
  d.cols = 2;
  for (int i = 0; i < 10; ++i) {
    d.dense.insert(d.dense.end(), {double(i), double(-i)});
    d.labels.push_back(i % 2);
  }
  Dataset a = d, b = d;
  const Dataset test_a = split_holdout(a, 0.3, 5);
  const Dataset test_b = split_holdout(b, 0.3, 5);
  CHECK(test_a.rows == 3);
  CHECK(a.rows == 7);
  CHECK(test_a.dense == test_b.dense);
  std::vector<double> seen;
  for (std::int64_t r = 0; r < test_a.rows; ++r) seen.push_back(test_a.dense[std::size_t(2 * r)]);
  for (std::int64_t r = 0; r < a.rows; ++r) seen.push_back(a.dense[std::size_t(2 * r)]);
  std::vector<double> sorted = seen;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // every row on exactly one side
  CHECK(std::is_sorted(seen.begin(), seen.begin() + 3));
  CHECK(std::is_sorted(seen.begin() + 3, seen.end()));
  for (std::int64_t r = 0; r < a.rows; ++r) CHECK(a.dense[std::size_t(2 * r + 1)] == -a.dense[std::size_t(2 * r)]);
  Dataset c = d;
  CHECK(test::error_of<DataError>([&] { split_holdout(c, 0.01, 5); }).starts_with("holdout 0.01 of 10 rows"));
}

TEST_CASE("densify writes CSR rows into a dense matrix") {
  Dataset s;
  s.rows = 2;
  s.cols = 3;
  s.sparse = true;
  s.row_ptr = {0, 1, 3};
  s.col_index = {2, 0, 1};
  s.values = {5, 6, 7};
  s.labels = {0, 1};
  const Dataset d = densify(s);
  CHECK(!d.sparse);
  CHECK(d.dense == std::vector<double>{0, 0, 5, 6, 7, 0});
}
