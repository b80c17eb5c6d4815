# riff_module(name DEPS ...): a static library from src/riff/<name>/*.cpp,
# leaving out tests (*_test.cpp, linked into riff_unit_tests) and main.cpp.
function(riff_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/riff/${name}/*.cpp)
  list(FILTER srcs EXCLUDE REGEX "_test\\.cpp$")
  list(FILTER srcs EXCLUDE REGEX "/main\\.cpp$")
  add_library(riff_${name} STATIC ${srcs})
  target_include_directories(riff_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(riff_${name} PUBLIC ${M_DEPS})
  # Asio and Beast are compiled once, in net/asio_impl.cpp.
  target_compile_definitions(riff_${name} PUBLIC
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
endfunction()
