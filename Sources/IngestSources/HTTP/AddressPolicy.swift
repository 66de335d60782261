import Glibc

/// Decides which IP addresses a fetch may connect to when private networks are not allowed (SSRF guard).
///
/// The check runs on the address libcurl actually connected to (see ``HTTPFetcher``), not on the host name,
/// so DNS tricks (a public name resolving to 127.0.0.1, rebinding between check and connect) do not get
/// around it.
public enum AddressPolicy {
    /// Why an address is refused.
    public enum Category: String, Sendable, Equatable, CustomStringConvertible {
        /// 127.0.0.0/8, ::1.
        case loopback
        /// 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (old site-local).
        case privateNetwork = "private"
        /// 169.254/16, fe80::/10: cloud metadata services live here.
        case linkLocal = "link-local"
        /// 0.0.0.0, ::, and 0/8 ("this network"): connecting to them reaches the local host on Linux.
        case unspecified
        /// 100.64/10, carrier-grade NAT: not public, often internal infrastructure.
        case sharedAddressSpace = "shared address space"
        /// 224/4, ff00::/8.
        case multicast
        /// 240/4 and the broadcast address.
        case reserved
        /// Not an IP address we can read; refused so that the guard fails closed.
        case unparseable

        public var description: String { rawValue }
    }

    /// The reason `address` is refused, or `nil` when it is a public address.
    ///
    /// Accepts dotted IPv4 and any textual IPv6 (an optional `%zone` suffix and surrounding brackets are
    /// ignored). IPv4 addresses embedded in IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64
    /// `64:ff9b::a.b.c.d`) are judged as the IPv4 address they carry, because that is where packets go.
    public static func refusal(for address: String) -> Category? {
        var text = Substring(address)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        let plain = String(text)

        var v4 = in_addr()
        if inet_pton(AF_INET, plain, &v4) == 1 {
            // s_addr is in network byte order: its bytes in memory are the address octets in order.
            let octets = withUnsafeBytes(of: &v4.s_addr) { Array($0) }
            return refusal(ipv4: octets)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, plain, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return refusal(ipv6: bytes)
        }
        return .unparseable
    }

    /// Whether a connection to `address` is allowed under the given setting.
    public static func allows(_ address: String, privateNetworks: Bool) -> Bool {
        privateNetworks || refusal(for: address) == nil
    }

    static func refusal(ipv4 o: [UInt8]) -> Category? {
        precondition(o.count == 4)
        switch (o[0], o[1]) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (10, _): return .privateNetwork
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (169, 254): return .linkLocal
        case (100, 64...127): return .sharedAddressSpace
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return nil
        }
    }

    static func refusal(ipv6 b: [UInt8]) -> Category? {
        precondition(b.count == 16)
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0 && b[11] == 0 {
            let tail = Array(b[12..<16])
            if tail == [0, 0, 0, 0] { return .unspecified }  // ::
            if tail == [0, 0, 0, 1] { return .loopback }  // ::1
            return refusal(ipv4: tail)  // ::a.b.c.d, IPv4-compatible (deprecated, still routable by some stacks)
        }
        if firstTen && b[10] == 0xff && b[11] == 0xff {
            return refusal(ipv4: Array(b[12..<16]))  // ::ffff:a.b.c.d, IPv4-mapped
        }
        // 64:ff9b::/96, the well-known NAT64 prefix, reaches the embedded IPv4 address through a translator.
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b, b[4..<12].allSatisfy({ $0 == 0 }) {
            return refusal(ipv4: Array(b[12..<16]))
        }
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] == 0xfe, b[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10
        if b[0] == 0xff { return .multicast }
        return nil
    }
}
