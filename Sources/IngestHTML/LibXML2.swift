import CLibXML2

/// What every libxml2 parse here needs once per process.
enum LibXML2 {
    /// libxml2 prints some errors through the generic handler even with NOERROR; and never load an entity.
    static let setUpOnce: Void = {
        ingest_xml_silence_generic_errors()
        ingest_xml_install_safe_loader()
    }()
}
