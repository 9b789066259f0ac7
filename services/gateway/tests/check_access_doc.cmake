# Compare docs/access.md with what `cg-gateway --access-matrix` prints from
# the route and role tables. Run by ctest (gateway_unit_access_doc) as
#   cmake -DGATEWAY=<cg-gateway> -DDOC=<docs/access.md> -DOUT=<scratch file> -P check_access_doc.cmake
execute_process(
  COMMAND ${GATEWAY} --access-matrix
  OUTPUT_FILE ${OUT}
  ERROR_VARIABLE stderr
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cg-gateway --access-matrix failed (${rc}): ${stderr}")
endif()

file(READ ${OUT} generated)
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR
    "${DOC} is not what the route and role tables say.\n"
    "See what changed:  diff -u ${DOC} ${OUT}\n"
    "Regenerate it:     ${GATEWAY} --access-matrix > ${DOC}")
endif()
