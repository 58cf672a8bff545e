import Foundation
import XCTest
import WBTestSupport
@testable import WBKernel

/// The connection file and the kernelspec: what is read, what is written, and the messages for bad input.
final class KernelSetupTests: TemporaryFolderTestCase {
    private func write(_ text: String) throws -> URL {
        let url = root.appendingPathComponent("connection-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    func testConnectionFileAsJupyterWritesIt() throws {
        let url = try write("""
        {"shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004, "hb_port": 50005,
         "ip": "127.0.0.1", "key": "a0b1", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "wb"}
        """)
        let file = try ConnectionFile.read(from: url)
        XCTAssertEqual(file.endpoint(file.shellPort), "tcp://127.0.0.1:50001")
        XCTAssertEqual(file.key, "a0b1")
        XCTAssertEqual(file.kernelName, "wb")
        var ipc = file
        ipc.transport = "ipc"
        ipc.ip = "/tmp/kernel"
        XCTAssertEqual(ipc.endpoint(5), "ipc:///tmp/kernel-5")
    }

    func testBadConnectionFilesAreNamedWithWhatIsWrong() throws {
        func message(_ text: String) throws -> String {
            let url = try write(text)
            do { _ = try ConnectionFile.read(from: url); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(try message("{").contains("not valid JSON"))
        XCTAssertTrue(try message(#"{"iopub_port":1,"stdin_port":1,"control_port":1,"hb_port":1}"#).contains("'shell_port' is missing"))
        let ports = #""shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5"#
        XCTAssertTrue(try message("{\(ports),\"transport\":\"udp\"}").contains("transport 'udp' is not supported; allowed: tcp, ipc"))
        XCTAssertTrue(try message("{\(ports),\"signature_scheme\":\"hmac-md5\"}").contains("allowed: hmac-sha256"))
        XCTAssertTrue(try message(#"{"shell_port":70000,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}"#)
            .contains("shell_port 70000 is not a port"))
        XCTAssertTrue(try message(#"{"shell_port":"x","iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}"#)
            .contains("'shell_port' has the wrong type"))
        let missing = root.appendingPathComponent("nowhere.json")
        XCTAssertThrowsError(try ConnectionFile.read(from: missing)) { XCTAssertTrue("\($0)".contains("cannot read the connection file")) }
    }

    func testKernelSpecInstallAndUninstall() throws {
        let executable = URL(fileURLWithPath: "/opt/wb/bin/wb")
        let spec = KernelSpec(executable: executable)
        let location = KernelSpec.Location.prefix(root.path)
        let installed = try spec.install(name: "wb", at: location)
        XCTAssertEqual(installed.path, root.appendingPathComponent("share/jupyter/kernels/wb").path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: installed.appendingPathComponent("kernel.json"))) as! [String: Any]
        XCTAssertEqual(json["argv"] as? [String], ["/opt/wb/bin/wb", "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(json["display_name"] as? String, "wb")
        XCTAssertEqual(json["language"] as? String, "wb")
        XCTAssertEqual(json["interrupt_mode"] as? String, "signal")
        let other = try KernelSpec(executable: executable, name: "wb-dev", interruptMode: "message").install(name: "wb-dev", at: location)
        let otherJSON = try JSONDecoder().decode(KernelSpec.self, from: Data(contentsOf: other.appendingPathComponent("kernel.json")))
        XCTAssertEqual(otherJSON.displayName, "wb (wb-dev)")
        XCTAssertEqual(otherJSON.interruptMode, "message")
        XCTAssertEqual(try KernelSpec.uninstall(name: "wb", at: location), installed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: installed.path))
        XCTAssertThrowsError(try KernelSpec.uninstall(name: "wb", at: location)) { XCTAssertTrue("\($0)".contains("no wb kernelspec named 'wb'")) }
        XCTAssertThrowsError(try spec.install(name: "../evil", at: location)) {
            XCTAssertEqual("\($0)", "'../evil' is not a kernel name; allowed: letters, digits, '.', '_' and '-'")
        }
    }

    func testUserLocationFollowsJupyterEnvironment() {
        XCTAssertEqual(KernelSpec.Location.user.dataFolder(environment: ["JUPYTER_DATA_DIR": "/d"]).path, "/d")
        #if os(Linux)
        XCTAssertEqual(KernelSpec.Location.user.dataFolder(environment: ["XDG_DATA_HOME": "/x"]).path, "/x/jupyter")
        XCTAssertTrue(KernelSpec.Location.user.dataFolder(environment: [:]).path.hasSuffix("/.local/share/jupyter"))
        #endif
        XCTAssertEqual(KernelSpec.Location.user.folder(name: "wb", environment: ["JUPYTER_DATA_DIR": "/d"]).path, "/d/kernels/wb")
    }
}
