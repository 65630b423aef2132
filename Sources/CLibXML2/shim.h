#ifndef TAGGER_CLIBXML2_SHIM_H
#define TAGGER_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* libxml2 built with ICU declares UErrorCode differently from Foundation's ICU: hide it. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
/* xmlFree is a global function pointer variable, which Swift 6 refuses to call directly. */
static inline void tagger_xmlFree(void *p) { xmlFree(p); }
#endif
