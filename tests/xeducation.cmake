# The X Education importer (tools/xeducation_import) against the real lead and opportunity services: all
# 9,240 leads, 30 % held out, the AUC of the learned score on them, and a second run that appends nothing.
# Included from tests/CMakeLists.txt.
if(TARGET sfa-lead AND TARGET sfa-opportunity)
  sfa_test(NAME xeducation_import_integration_test SRCS xeducation_import_integration_test.cc
           DEPS sfa_test_support sfa_xeducation_import sfa_eventstore_testing LABELS integration TIMEOUT 900)
  if(TARGET xeducation_import_integration_test)
    target_compile_definitions(xeducation_import_integration_test PRIVATE
      SFA_OPPORTUNITY_BIN="$<TARGET_FILE:sfa-opportunity>"
      SFA_LEAD_BIN="$<TARGET_FILE:sfa-lead>"
      SFA_XEDUCATION_IMPORTER_BIN="$<TARGET_FILE:sfa-import-xeducation>"
      SFA_XEDUCATION_DATA="${PROJECT_SOURCE_DIR}/../shared/data/x-education-leads/Leads.csv")
    add_dependencies(xeducation_import_integration_test sfa-lead sfa-opportunity sfa-import-xeducation)
  endif()
endif()
