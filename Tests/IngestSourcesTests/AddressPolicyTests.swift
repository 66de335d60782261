import IngestSources
import Testing

@Suite("AddressPolicy: which addresses a fetch without private networks may reach")
struct AddressPolicyTests {
    static let refused: [(String, AddressPolicy.Category)] = [
        ("127.0.0.1", .loopback),
        ("127.255.255.254", .loopback),
        ("::1", .loopback),
        ("[::1]", .loopback),
        ("10.0.0.1", .privateNetwork),
        ("10.255.255.255", .privateNetwork),
        ("172.16.0.1", .privateNetwork),
        ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork),
        ("fc00::1", .privateNetwork),
        ("fd12:3456:789a::1", .privateNetwork),
        ("fec0::1", .privateNetwork),
        ("169.254.169.254", .linkLocal),
        ("fe80::1", .linkLocal),
        ("fe80::1%eth0", .linkLocal),
        ("febf::1", .linkLocal),
        ("0.0.0.0", .unspecified),
        ("0.1.2.3", .unspecified),
        ("::", .unspecified),
        ("100.64.0.1", .sharedAddressSpace),
        ("224.0.0.1", .multicast),
        ("ff02::1", .multicast),
        ("255.255.255.255", .reserved),
        ("240.0.0.1", .reserved),
        // IPv4 inside IPv6 is judged by the IPv4 address it carries.
        ("::ffff:127.0.0.1", .loopback),
        ("::ffff:7f00:1", .loopback),
        ("::ffff:10.1.2.3", .privateNetwork),
        ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:0.0.0.0", .unspecified),
        ("::127.0.0.1", .loopback),
        ("64:ff9b::192.168.0.1", .privateNetwork),
        // Anything unreadable fails closed.
        ("", .unparseable),
        ("localhost", .unparseable),
        ("127.1", .unparseable),
        ("1.2.3.4.5", .unparseable),
    ]

    static let allowed = [
        "93.184.216.34", "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "100.63.255.255",
        "100.128.0.1", "169.253.0.1", "11.0.0.1", "2606:4700:4700::1111", "2001:db8::1", "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8", "fbff::1", "fe00::1",
    ]

    @Test("refuses loopback, private, link-local, unspecified and their IPv4-mapped forms", arguments: refused)
    func refuses(address: String, category: AddressPolicy.Category) {
        #expect(AddressPolicy.refusal(for: address) == category)
        #expect(!AddressPolicy.allows(address, privateNetworks: false))
        #expect(AddressPolicy.allows(address, privateNetworks: true))
    }

    @Test("allows public addresses", arguments: allowed)
    func allows(address: String) {
        #expect(AddressPolicy.refusal(for: address) == nil)
        #expect(AddressPolicy.allows(address, privateNetworks: false))
    }
}
