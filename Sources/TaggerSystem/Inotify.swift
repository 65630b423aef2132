#if os(Linux)
import Glibc
import Foundation
import TaggerLock

/// inotify mask bits (Linux `<sys/inotify.h>`); composite macros are not imported into Swift,
/// so every bit used is spelled out here.
package enum InotifyMask {
    package static let modify: UInt32 = 0x0000_0002
    package static let attrib: UInt32 = 0x0000_0004
    package static let closeWrite: UInt32 = 0x0000_0008
    package static let movedFrom: UInt32 = 0x0000_0040
    package static let movedTo: UInt32 = 0x0000_0080
    package static let create: UInt32 = 0x0000_0100
    package static let delete: UInt32 = 0x0000_0200
    package static let deleteSelf: UInt32 = 0x0000_0400
    package static let moveSelf: UInt32 = 0x0000_0800
    package static let queueOverflow: UInt32 = 0x0000_4000
    package static let ignored: UInt32 = 0x0000_8000
    package static let onlyDir: UInt32 = 0x0100_0000
    package static let dontFollow: UInt32 = 0x0200_0000
    package static let exclUnlink: UInt32 = 0x0400_0000
    package static let isDir: UInt32 = 0x4000_0000
}

/// One decoded `struct inotify_event`.
package struct InotifyEvent: Sendable, Equatable {
    package var wd: Int32
    package var mask: UInt32
    package var cookie: UInt32
    /// The entry name inside the watched directory (empty for events on the directory itself).
    package var name: String
    /// False when the name's bytes are not valid UTF-8 (`name` is then a lossy copy naming no file).
    package var validName: Bool = true

    /// Decodes every event in `buffer[0..<count]` by byte offset: `wd` at 0, `mask` at 4,
    /// `cookie` at 8, `len` at 12, then `len` bytes of NUL-padded name.
    package static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var out: [InotifyEvent] = []
        var offset = 0
        while offset + 16 <= buffer.count {
            let wd = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let len = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let start = offset + 16
            guard start + len <= buffer.count else { break }
            var end = start
            while end < start + len && buffer[end] != 0 { end += 1 }
            let raw = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
            let valid = String(validating: raw, as: UTF8.self)
            let name = valid ?? String(decoding: raw, as: UTF8.self)
            out.append(InotifyEvent(wd: wd, mask: mask, cookie: cookie, name: name, validName: valid != nil))
            offset = start + len
        }
        return out
    }
}

/// An inotify instance whose events are read on a dedicated thread (blocking `poll` on the
/// inotify descriptor and a stop pipe) and handed in batches to a handler.
package final class Inotify: Sendable {
    private let fd: Int32
    private let stopPipe: (read: Int32, write: Int32)
    private let started = Locked<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// - Throws: `SystemError` when inotify or the stop pipe cannot be created.
    package init() throws(SystemError) {
        fd = try Syscall.call("inotify_init1", path: "inotify") { inotify_init1(Int32(O_CLOEXEC)) }
        var p: [Int32] = [0, 0]
        do throws(SystemError) {
            _ = try Syscall.call("pipe", path: "inotify") { pipe(&p) }
        } catch {
            close(fd)
            throw error
        }
        stopPipe = (p[0], p[1])
    }

    deinit {
        close(fd)
        close(stopPipe.read)
        close(stopPipe.write)
    }

    /// Adds (or updates) a watch; returns its descriptor.
    /// - Throws: `SystemError` (ENOENT, EACCES, ENOSPC when the user's watch limit is reached).
    package func addWatch(_ path: String, mask: UInt32) throws(SystemError) -> Int32 {
        try Syscall.call("inotify_add_watch", path: path) { inotify_add_watch(fd, path, mask) }
    }

    /// Starts the reader thread; `handler` runs on it for each batch read.
    package func start(_ handler: @escaping @Sendable ([InotifyEvent]) -> Void) {
        let t = Thread { [self] in
            readLoop(handler)
            finished.signal()
        }
        t.name = "tagger-inotify"
        started.withLock { $0 = true }
        t.start()
    }

    /// Stops the reader thread and waits for it to end.
    package func stop() {
        let running = started.withLock { $0 }
        var b: UInt8 = 1
        _ = write(stopPipe.write, &b, 1)
        if running { finished.wait() }
    }

    private func readLoop(_ handler: @Sendable ([InotifyEvent]) -> Void) {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            do throws(SystemError) {
                _ = try Syscall.call("poll", path: "inotify") { poll(&fds, 2, -1) }
            } catch {
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let n: Int
            do throws(SystemError) {
                n = try Syscall.call("read", path: "inotify") { read(fd, buffer.baseAddress, size) }
            } catch where error.code == EAGAIN {
                continue
            } catch {
                return
            }
            handler(InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<n])))
        }
    }
}
#endif
