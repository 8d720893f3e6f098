// IDX files (the MNIST / Fashion-MNIST format), plain or gzipped, read through zlib: images and labels into a data set.
//
// An IDX file is: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
// 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a big-endian uint32, then the values in
// row-major order, big-endian.
#include <zlib.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

namespace {

// gzread reads gzipped and plain files alike.
class GzFile {
 public:
  explicit GzFile(const std::filesystem::path& path) : name_(path.string()) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) SGDSIM_THROW(DataError, name_ + ": cannot read: is a directory");
    file_ = gzopen(name_.c_str(), "rb");
    if (file_ == nullptr) SGDSIM_THROW(DataError, name_ + ": cannot open: " + std::strerror(errno));
    gzbuffer(file_, 1 << 17);
  }
  ~GzFile() {
    if (file_ != nullptr) gzclose(file_);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  // Reads exactly `bytes` bytes (DataError naming `what` when the file ends first or is corrupt).
  void read(void* out, std::size_t bytes, const std::string& what) {
    auto* p = static_cast<unsigned char*>(out);
    std::size_t done = 0;
    while (done < bytes) {
      const auto want = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30));
      const int got = gzread(file_, p + done, want);
      if (got < 0) {
        int code = 0;
        SGDSIM_THROW(DataError, name_ + ": read error in " + what + ": " + gzerror(file_, &code));
      }
      if (got == 0) {
        SGDSIM_THROW(DataError, name_ + ": truncated: " + what + " has " + std::to_string(done) + " of " +
                                    std::to_string(bytes) + " bytes");
      }
      done += static_cast<std::size_t>(got);
    }
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  gzFile file_ = nullptr;
};

struct Header {
  int type = 0;
  std::vector<std::int64_t> dims;
};

int element_size(int type) {
  switch (type) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
    default:
      return 0;
  }
}

Header read_header(GzFile& file) {
  std::array<unsigned char, 4> magic{};
  file.read(magic.data(), 4, "the header");
  if (magic[0] != 0 || magic[1] != 0) {
    SGDSIM_THROW(DataError, file.name() + ": not an IDX file (it must start with two zero bytes)");
  }
  Header h;
  h.type = magic[2];
  if (element_size(h.type) == 0) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", h.type);
    SGDSIM_THROW(DataError, file.name() + ": unknown IDX element type " + std::string(hex) +
                                " (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
  }
  if (magic[3] == 0) SGDSIM_THROW(DataError, file.name() + ": IDX file with no dimension");
  for (int i = 0; i < magic[3]; ++i) {
    std::array<unsigned char, 4> b{};
    file.read(b.data(), 4, "the header");
    h.dims.push_back((std::int64_t{b[0]} << 24) | (std::int64_t{b[1]} << 16) | (std::int64_t{b[2]} << 8) | b[3]);
  }
  return h;
}

// Big-endian element i of `raw` as a double.
double element(const unsigned char* raw, int type, std::size_t i) {
  const int size = element_size(type);
  const unsigned char* p = raw + i * static_cast<std::size_t>(size);
  std::uint64_t bits = 0;
  for (int k = 0; k < size; ++k) bits = (bits << 8) | p[k];
  switch (type) {
    case 0x08:
      return static_cast<double>(static_cast<std::uint8_t>(bits));
    case 0x09:
      return static_cast<double>(static_cast<std::int8_t>(static_cast<std::uint8_t>(bits)));
    case 0x0B:
      return static_cast<double>(static_cast<std::int16_t>(static_cast<std::uint16_t>(bits)));
    case 0x0C:
      return static_cast<double>(static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)));
    case 0x0D:
      return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(bits)));
    default:
      return std::bit_cast<double>(bits);
  }
}

// The first `items` items of the file's data, `per_item` values each, as doubles times `scale`.
std::vector<double> read_values(GzFile& file, const Header& h, std::int64_t items, std::int64_t per_item,
                                double scale) {
  const auto count = static_cast<std::size_t>(items * per_item);
  std::vector<unsigned char> raw(count * static_cast<std::size_t>(element_size(h.type)));
  file.read(raw.data(), raw.size(), "the data");
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = element(raw.data(), h.type, i) * scale;
    if (!std::isfinite(values[i])) {
      SGDSIM_THROW(DataError, file.name() + ": value " + std::to_string(i) + " is not a finite number");
    }
  }
  return values;
}

}  // namespace

Dataset load_idx(const IdxData& spec, const MemoryGuard* guard) {
  GzFile images(spec.images);
  const Header ih = read_header(images);
  GzFile labels(spec.labels);
  const Header lh = read_header(labels);
  if (lh.dims.size() != 1) {
    SGDSIM_THROW(DataError, labels.name() + ": a labels file has one dimension, this one " +
                                std::to_string(lh.dims.size()));
  }
  if (lh.type == 0x0D || lh.type == 0x0E) {
    SGDSIM_THROW(DataError, labels.name() + ": labels must be of an integer type (0x08, 0x09, 0x0B or 0x0C)");
  }
  if (lh.dims[0] != ih.dims[0]) {
    SGDSIM_THROW(DataError, labels.name() + ": " + std::to_string(lh.dims[0]) + " labels for the " +
                                std::to_string(ih.dims[0]) + " images of " + images.name());
  }
  std::int64_t features = 1;
  for (std::size_t i = 1; i < ih.dims.size(); ++i) features *= ih.dims[i];
  if (features < 1 || features > std::numeric_limits<std::int32_t>::max()) {
    SGDSIM_THROW(DataError, images.name() + ": " + std::to_string(features) + " features per image");
  }
  std::int64_t items = ih.dims[0];
  if (spec.limit) items = std::min(items, *spec.limit);
  if (items < 1) SGDSIM_THROW(DataError, images.name() + ": no data");
  const double scale = spec.scale.value_or(ih.type == 0x08 ? 1.0 / 255.0 : 1.0);
  // The header says how much is coming: a gzipped file can claim far more than its size. The raw values and their
  // doubles are held together while converted; refused before either is allocated when the run would not fit.
  const double values = static_cast<double>(items) * static_cast<double>(features);
  const double bytes = values * (8 + element_size(ih.type)) + static_cast<double>(items) * 8;
  const std::string claim =
      images.name() + ": " + std::to_string(items) + " images of " + std::to_string(features) + " values";
  if (bytes > static_cast<double>(std::numeric_limits<std::ptrdiff_t>::max()) / 2) {
    SGDSIM_THROW(DataError, claim + " cannot be held in memory");
  }
  if (guard) guard->check(DataShape{static_cast<double>(items), static_cast<double>(features), bytes}, claim);

  Dataset data;
  data.rows = items;
  data.cols = features;
  data.dense = read_values(images, ih, items, features, scale);
  data.labels = read_values(labels, lh, items, 1, 1.0);
  return data;
}

}  // namespace sgdsim
