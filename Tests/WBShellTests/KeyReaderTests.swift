import Foundation
import XCTest
@testable import WBShell

/// Key decoding from bytes, reading with timeouts from a pipe, and raw mode on a pseudo-terminal.
final class KeyReaderTests: XCTestCase {
    func keys(_ text: String, final: Bool = true) -> [Key] { KeyDecoder.decodeAll(Array(text.utf8), final: final).keys }

    func testPrintableAndControlKeys() {
        XCTAssertEqual(keys("a[]+-9 é"), [.character("a"), .character("["), .character("]"), .character("+"), .character("-"),
                                          .character("9"), .character(" "), .character("é")])
        XCTAssertEqual(keys("\r\n\t\u{7F}\u{08}\u{03}\u{04}\u{0C}"),
                       [.enter, .enter, .tab, .backspace, .backspace, .interrupt, .endOfInput, .control("l")])
        XCTAssertEqual(keys("日本"), [.character("日"), .character("本")])
    }

    func testArrowsWithModifiersAndNavigationKeys() {
        XCTAssertEqual(keys("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D"), [.up([]), .down([]), .right([]), .left([])])
        XCTAssertEqual(keys("\u{1B}OC\u{1B}OD\u{1B}OH\u{1B}OF"), [.right([]), .left([]), .home, .end], "application mode")
        XCTAssertEqual(keys("\u{1B}[1;2C\u{1B}[1;2D\u{1B}[1;5C\u{1B}[1;3D\u{1B}[1;6A"),
                       [.right(.shift), .left(.shift), .right(.control), .left(.alt), .up([.shift, .control])])
        XCTAssertEqual(keys("\u{1B}[c\u{1B}[d"), [.right(.shift), .left(.shift)], "rxvt Shift+arrows")
        XCTAssertEqual(keys("\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~\u{1B}[7~\u{1B}[8~\u{1B}[3~\u{1B}[2~"),
                       [.pageUp, .pageDown, .home, .end, .home, .end, .home, .end, .delete, .insert])
        XCTAssertEqual(keys("\u{1B}[5;2~\u{1B}[Z\u{1B}OP\u{1B}[15~\u{1B}[24~"), [.pageUp, .backTab, .function(1), .function(5), .function(12)])
        XCTAssertEqual(keys("\u{1B}[99x"), [.unknown("[99x")])
    }

    func testLoneEscapeNeedsTheEndOfInput() {
        // Without more bytes coming, ESC might start a sequence: nothing is decoded yet.
        XCTAssertEqual(KeyDecoder.decodeAll([0x1B], final: false).keys, [])
        XCTAssertEqual(KeyDecoder.decodeAll([0x1B], final: false).rest, [0x1B])
        XCTAssertEqual(KeyDecoder.decodeAll(Array("\u{1B}[1;".utf8), final: false).rest.count, 4, "an unfinished CSI waits")
        XCTAssertEqual(keys("\u{1B}"), [.escape])
        XCTAssertEqual(keys("\u{1B}\u{1B}[C"), [.escape, .right([])])
        XCTAssertEqual(keys("\u{1B}x"), [.alt("x")])
        XCTAssertEqual(keys("\u{1B}\r"), [.escape, .enter])
        XCTAssertEqual(keys("\u{1B}[1;"), [.escape, .character("["), .character("1"), .character(";")],
                       "a cut-off sequence at the end is an Escape and its bytes")
    }

    func testReaderTimesOutAndResolvesALoneEscape() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let reader = KeyReader(fd: fds[0], escapeTimeout: 0.03)
        let started = Date()
        XCTAssertNil(try reader.next(timeout: 0.05), "no key before the timeout")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.04)
        func send(_ text: String) { _ = text.withCString { write(fds[1], $0, strlen($0)) } }
        send("\u{1B}[1;2Cq")
        XCTAssertEqual(try reader.next(timeout: 1), .right(.shift))
        XCTAssertEqual(try reader.next(timeout: 1), .character("q"))
        send("\u{1B}")
        XCTAssertEqual(try reader.next(timeout: 1), .escape, "a lone ESC after the escape timeout")
        send("\u{1B}[")
        usleep(10_000)
        send("D")   // the rest of a sequence arriving within the escape timeout
        XCTAssertEqual(try reader.next(timeout: 1), .left([]))
        send("z")
        close(fds[1])
        XCTAssertEqual(try reader.next(), .character("z"))
        XCTAssertThrowsError(try reader.next()) { XCTAssertEqual("\($0)", "the terminal input was closed") }
    }

    func testRawModeOnAPseudoTerminalIsRestored() throws {
        // Glibc's module hides the pty functions (they need _XOPEN_SOURCE); they are looked up with their C types.
        typealias IntFunction = @convention(c) (Int32) -> Int32
        typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        guard let openSymbol = dlsym(nil, "posix_openpt"), let unlockSymbol = dlsym(nil, "unlockpt"),
              let nameSymbol = dlsym(nil, "ptsname") else { throw XCTSkip("no pseudo-terminal functions") }
        let master = unsafeBitCast(openSymbol, to: IntFunction.self)(O_RDWR | O_NOCTTY)
        guard master >= 0, unsafeBitCast(unlockSymbol, to: IntFunction.self)(master) == 0,
              let name = unsafeBitCast(nameSymbol, to: NameFunction.self)(master) else {
            throw XCTSkip("no pseudo-terminals here")
        }
        defer { close(master) }
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        defer { close(slave) }
        var window = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(slave, UInt(TIOCSWINSZ), &window), 0)
        var before = termios()
        tcgetattr(slave, &before)
        XCTAssertNotEqual(before.c_lflag & tcflag_t(ICANON), 0, "a fresh terminal is in line mode")
        struct Failure: Error {}
        XCTAssertThrowsError(try RawTerminal.session(input: slave, output: slave) { terminal -> Void in
            XCTAssertEqual(terminal.size(), TerminalSize(columns: 120, rows: 40))
            var raw = termios()
            tcgetattr(slave, &raw)
            XCTAssertEqual(raw.c_lflag & tcflag_t(ICANON | ECHO | ISIG), 0, "raw: no line mode, echo or signals")
            throw Failure()
        })
        var after = termios()
        tcgetattr(slave, &after)
        XCTAssertEqual(after.c_lflag, before.c_lflag, "restored after a thrown error")
        XCTAssertEqual(after.c_iflag, before.c_iflag)
        // What the terminal was sent (it may come in several reads).
        var bytes: [UInt8] = []
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&descriptor, 1, 200) > 0 {
            var chunk = [UInt8](repeating: 0, count: 256)
            let n = read(master, &chunk, chunk.count)
            guard n > 0 else { break }
            bytes += chunk.prefix(n)
            if String(decoding: bytes, as: UTF8.self).contains("\u{1B}[?1049l") { break }
        }
        let written = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(written.hasPrefix("\u{1B}[?1049h"), "entered the alternate screen: \(written.debugDescription)")
        XCTAssertTrue(written.contains("\u{1B}[?1049l"), "and left it")
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        XCTAssertThrowsError(try RawTerminal(input: null)) { XCTAssertEqual("\($0)", "standard input is not a terminal") }
        XCTAssertFalse(RawTerminal.isAvailable(input: -1, output: -1))
    }
}
