# `battrace epcis hash` over the reference vectors of the CBV 2.0 event hash
# (tests/data/epcis/hash/): for every document the binary accepts, its output is the published
# .hashes file line for line; the documents it must refuse (not valid EPCIS 2.0) exit 1.
#   cmake -DBATTRACE=<binary> -DDIR=<vector dir> -P epcis_hash_vectors.cmake
cmake_minimum_required(VERSION 3.25)
set(refused SensorDataExamples.xml epcisQueryDocument.xml)
file(GLOB docs ${DIR}/*.jsonld ${DIR}/*.xml)
set(checked 0)
foreach(doc IN LISTS docs)
  get_filename_component(name ${doc} NAME)
  get_filename_component(stem ${doc} NAME_WE)
  execute_process(COMMAND ${BATTRACE} epcis hash ${doc}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(name IN_LIST refused)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "epcis.xsd")
      message(FATAL_ERROR "${name}: expected a refusal (exit 1, epcis.xsd), got ${rc}\n${out}${err}")
    endif()
    continue()
  endif()
  file(READ ${DIR}/${stem}.hashes expected)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL expected)
    message(FATAL_ERROR "${name}: exit ${rc}\nexpected:\n${expected}\ngot:\n${out}${err}")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()
if(checked LESS 33)
  message(FATAL_ERROR "only ${checked} documents checked")
endif()
message(STATUS "${checked} documents hash as published")
