// What the two engines (store/sqlite/, store/postgres/) share, by concern: each header names
// one. This one includes them all, for an engine's file that uses many.
#pragma once

#include "store/derived.h"
#include "store/epcis_sql.h"
#include "store/findings_query.h"
#include "store/history.h"
#include "store/ledger_writer.h"
#include "store/list_query.h"
#include "store/model_query.h"
#include "store/node_layout.h"
#include "store/open_checks.h"
#include "store/registry_load.h"
#include "store/row_readers.h"
#include "store/rows.h"
#include "store/tables.h"
#include "store/tokens_audit.h"
