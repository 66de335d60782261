// libxml2 for the feed parser (and later the clean stage).
#include <libxml/xmlversion.h>
// The system ICU headers clash with Foundation's copy ("'UErrorCode' has different definitions").
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <string.h>

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

// An HTML parse that builds no tree: libxml2 reports elements, text, comments and processing instructions
// to the callbacks (with `user` as their first argument) as it reads them, parsing as UTF-8 like
// htmlReadMemory with "UTF-8". For one pass over a page: building the tree costs about as much again.
static inline int ingest_html_sax_parse(const char *buffer, int size, int options, startElementSAXFunc start,
                                        endElementSAXFunc end, charactersSAXFunc text, commentSAXFunc comment,
                                        processingInstructionSAXFunc pi, void *user) {
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(buffer, size);
    if (ctxt == NULL) return -1;
    if (ctxt->sax == NULL) { htmlFreeParserCtxt(ctxt); return -1; }
    memset(ctxt->sax, 0, sizeof(xmlSAXHandlerV1));
    ctxt->sax->startElement = start;
    ctxt->sax->endElement = end;
    ctxt->sax->characters = text;
    ctxt->sax->cdataBlock = text;
    ctxt->sax->comment = comment;
    ctxt->sax->processingInstruction = pi;
    ctxt->userData = user;
    htmlCtxtUseOptions(ctxt, options);
    ctxt->html = 1;
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    if (utf8 != NULL) xmlSwitchToEncoding(ctxt, utf8);
    htmlParseDocument(ctxt);
    htmlFreeParserCtxt(ctxt);
    return 0;
}
