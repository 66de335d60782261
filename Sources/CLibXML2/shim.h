// libxml2 for the feed parser (and later the clean stage).
#include <libxml/xmlversion.h>
// The system ICU headers clash with Foundation's copy ("'UErrorCode' has different definitions").
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
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

// The attributes the clean stage and the page signals read (PageTree, HTMLWriter, ContentScorer,
// PageScanner, TextCollectors). Real pages carry many more (data-*, srcset, on*, aria-*, width…), each an
// allocation or two in the tree and a step in every walk over an element's attributes.
static inline int ingest_html_attribute_read(const xmlChar *name) {
    static const char *const read[] = {
        "class", "id", "href", "style", "role", "hidden", "aria-hidden", "type", "src", "data-src", "alt",
        "title", "content", "property", "name", "itemprop", "rel", "datetime", "pubdate", "lang", NULL,
    };
    for (int i = 0; read[i] != NULL; i++) {
        if (strcmp((const char *)name, read[i]) == 0) return 1;
    }
    return 0;
}

// libxml2's tree builder for an element, given only the attributes above (HTML attribute names arrive
// lowercased, and each once: the parser drops repeats, so at most 20 pairs are kept; past 32, which cannot
// happen, the element would keep all its attributes).
static void ingest_html_start_element_read(void *ctx, const xmlChar *name, const xmlChar **atts) {
    if (atts == NULL || atts[0] == NULL) {
        xmlSAX2StartElement(ctx, name, atts);
        return;
    }
    const xmlChar *kept[65];
    int n = 0;
    for (int i = 0; atts[i] != NULL; i += 2) {
        if (!ingest_html_attribute_read(atts[i])) continue;
        if (n == 64) {
            xmlSAX2StartElement(ctx, name, atts);
            return;
        }
        kept[n++] = atts[i];
        kept[n++] = atts[i + 1];
    }
    kept[n] = NULL;
    xmlSAX2StartElement(ctx, name, n > 0 ? kept : NULL);
}

// Makes the context's tree keep only the attributes the readers read.
static inline void ingest_html_keep_read_attributes(htmlParserCtxtPtr ctxt) {
    if (ctxt != NULL && ctxt->sax != NULL) ctxt->sax->startElement = ingest_html_start_element_read;
}
