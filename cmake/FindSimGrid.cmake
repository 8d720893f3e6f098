# FindSimGrid: locates SimGrid (which ships only simgrid.pc) and defines the imported target SimGrid::SimGrid.
# Sets SimGrid_FOUND, SimGrid_VERSION, SimGrid_INCLUDE_DIR, SimGrid_LIBRARY.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_SIMGRID QUIET simgrid)
endif()
find_path(SimGrid_INCLUDE_DIR NAMES simgrid/s4u.hpp HINTS ${PC_SIMGRID_INCLUDE_DIRS} ${SimGrid_ROOT}/include)
find_library(SimGrid_LIBRARY NAMES simgrid HINTS ${PC_SIMGRID_LIBRARY_DIRS} ${SimGrid_ROOT}/lib)

if(SimGrid_INCLUDE_DIR AND EXISTS "${SimGrid_INCLUDE_DIR}/simgrid/version.h")
  file(STRINGS "${SimGrid_INCLUDE_DIR}/simgrid/version.h" _sg_lines REGEX "#define SIMGRID_VERSION_(MAJOR|MINOR|PATCH) ")
  foreach(_part MAJOR MINOR PATCH)
    string(REGEX MATCH "SIMGRID_VERSION_${_part} ([0-9]+)" _m "${_sg_lines}")
    set(_sg_${_part} "${CMAKE_MATCH_1}")
  endforeach()
  set(SimGrid_VERSION "${_sg_MAJOR}.${_sg_MINOR}.${_sg_PATCH}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SimGrid REQUIRED_VARS SimGrid_LIBRARY SimGrid_INCLUDE_DIR VERSION_VAR SimGrid_VERSION)

if(SimGrid_FOUND AND NOT TARGET SimGrid::SimGrid)
  add_library(SimGrid::SimGrid UNKNOWN IMPORTED)
  set_target_properties(SimGrid::SimGrid PROPERTIES IMPORTED_LOCATION "${SimGrid_LIBRARY}"
                                                    INTERFACE_INCLUDE_DIRECTORIES "${SimGrid_INCLUDE_DIR}")
endif()
mark_as_advanced(SimGrid_INCLUDE_DIR SimGrid_LIBRARY)
