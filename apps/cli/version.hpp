// The version sgdsim reports (`sgdsim --version`, summary.json): git describe of the source tree at build time.
#pragma once

namespace sgdsim::cli {

// `git describe --always --dirty` when the build ran, or the project version without git.
const char* version();

}  // namespace sgdsim::cli
