import Crypto
import Foundation

/// Signs and checks Jupyter messages: HMAC-SHA256 with the connection file's key over the four JSON frames (header,
/// parent header, metadata, content) as sent, as lowercase hex. An empty key means messages are not signed.
public struct MessageSigner {
    private let key: SymmetricKey?

    public init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Data(key.utf8))
    }

    public func signature(_ frames: [Data]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for frame in frames { hmac.update(data: frame) }
        return Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` (hex, as received) is the signature of `frames`; compared in constant time.
    public func isValid(_ signature: Data, for frames: [Data]) -> Bool {
        guard key != nil else { return true }
        let expected = Array(self.signature(frames).utf8)
        let given = Array(signature)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
