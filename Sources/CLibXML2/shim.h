// libxml2 for the feed parser (and later the clean stage).
#include <libxml/xmlversion.h>
// The system ICU headers clash with Foundation's copy ("'UErrorCode' has different definitions").
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>

// xmlFree is a global function pointer, which Swift cannot call directly.
static inline void ingest_xml_free(void *p) { xmlFree(p); }

// Never load anything an XML document points at (XXE): every external entity resolves to nothing.
static xmlParserInputPtr ingest_no_external_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void ingest_xml_install_safe_loader(void) {
    xmlSetExternalEntityLoader(ingest_no_external_entities);
}

// Errors are collected per parse through the context, not printed to stderr.
static void ingest_xml_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void ingest_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, ingest_xml_silent);
}
