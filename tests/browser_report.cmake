# Renders the example county's HTML report (national rules, monitoring as of its year
# end, the target review and the ex-ante assessment: the whole loop) in headless Chromium and checks the rendered page (docs/report.md, "HTML"):
# a copy of the page gets tests/browser/probe.js, which checks the figures and chart
# marks of tests/browser/expect.json, that no text overflows its box, that every
# chart label stays inside its chart and that Chinese is drawn in a CJK font; it
# writes PASS or the failures into the DOM, which `--dump-dom` prints. The page
# itself is then screenshot to SCREENSHOT (build/report.png) for people to look at.
# CLI, DATA (examples/data), CHROMIUM, WORK, PROBE, EXPECT, SCREENSHOT.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CLI} report --projects ${DATA}/projects.csv --indicators ${DATA}/indicators.csv
                        --as-of 2023-12-31 --review --assessments ${DATA}/assessments.csv --out ${WORK}/report.html
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "perfbudget report exited ${rc}:\n${err}")
endif()
file(READ ${WORK}/report.html html)
file(READ ${PROBE} probe)
file(READ ${EXPECT} expect)
string(FIND "${html}" "<script" script)
if(NOT script EQUAL -1)
  message(FATAL_ERROR "the report has a script")
endif()
string(REPLACE "</body>" "<script type=\"application/json\" id=\"probe-expect\">${expect}</script><script>${probe}</script></body>"
       page "${html}")
file(WRITE ${WORK}/probe.html "${page}")
set(chrome ${CHROMIUM} --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=${WORK}/profile
           --window-size=1200,2400)
execute_process(COMMAND ${chrome} --virtual-time-budget=10000 --dump-dom file://${WORK}/probe.html
                OUTPUT_VARIABLE dom ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 180)
if(NOT dom MATCHES "<pre id=\"probe\">([^<]*)</pre>")
  message(FATAL_ERROR "the probe did not run (chromium exited ${rc}):\n${err}")
endif()
set(result "${CMAKE_MATCH_1}")
if(NOT result MATCHES "^PASS")
  message(FATAL_ERROR "the rendered report fails:\n${result}")
endif()
file(REMOVE ${SCREENSHOT})
execute_process(COMMAND ${chrome} --screenshot=${SCREENSHOT} file://${WORK}/report.html
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 180)
if(NOT EXISTS ${SCREENSHOT})
  message(FATAL_ERROR "no screenshot (chromium exited ${rc}):\n${err}")
endif()
# Printed: the print stylesheet's A4 pages (595 × 842 pt), kept beside the screenshot.
string(REGEX REPLACE "\\.png$" ".pdf" pdf "${SCREENSHOT}")
file(REMOVE ${pdf})
execute_process(COMMAND ${chrome} --no-pdf-header-footer --print-to-pdf=${pdf} file://${WORK}/report.html
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 180)
if(NOT EXISTS ${pdf})
  message(FATAL_ERROR "no PDF (chromium exited ${rc}):\n${err}")
endif()
file(STRINGS ${pdf} boxes REGEX "MediaBox \\[[^]]*\\]")
string(REGEX MATCHALL "MediaBox \\[[^]]*\\]" pages "${boxes}")
list(LENGTH pages count)
if(count EQUAL 0)
  message(FATAL_ERROR "the PDF has no pages")
endif()
foreach(box IN LISTS pages)
  if(NOT box MATCHES "^MediaBox \\[0 0 59[45](\\.[0-9]+)? 84[12](\\.[0-9]+)?\\]$")
    message(FATAL_ERROR "a printed page is not A4: ${box}")
  endif()
endforeach()
message("${result}; screenshot ${SCREENSHOT}; ${count} A4 pages in ${pdf}")
