#ifndef HERALD_CLIBXML2_SHIM_H
#define HERALD_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, and ICU's headers clash with Foundation's own copy
// ('UErrorCode' has different definitions). Herald uses no ICU API of libxml2.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

// xmlFree is a global function-pointer variable, which Swift 6 rejects as not
// concurrency-safe; a function around it is fine.
static inline void cxml_free(void *pointer) { xmlFree(pointer); }

#endif
