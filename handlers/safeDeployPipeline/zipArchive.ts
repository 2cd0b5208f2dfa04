// Minimal ZIP reading and writing (stored and deflated entries) on Node's zlib, so a Lambda handler can read a
// pipeline artifact and the program can build one without bundling an archive library.

import { namedError } from "../shared/errors";

type Zlib = typeof import("node:zlib");

function zlib(): Zlib {
    // Required where used: a module-level import would be captured by closure serialization.
    return require("node:zlib") as Zlib;
}

function crcTable(): Uint32Array {
    const table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c >>> 0;
    }
    return table;
}

/** CRC-32 (IEEE) of the bytes, as ZIP stores it. */
export function crc32(bytes: Uint8Array): number {
    const table = crcTable();
    let crc = 0xffffffff;
    for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
}

export function zipError(message: string): Error {
    return namedError("ZipError", message);
}

/** The most the files of one archive may add up to once read: a source revision, not a disk image. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/**
 * Reads every file entry of a ZIP archive (directories are skipped). Throws a ZipError for anything that is not
 * a readable, unencrypted, non-ZIP64 archive, or whose entry fails its CRC check.
 */
export function readZip(archive: Uint8Array): Map<string, Buffer> {
    const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
    // The end-of-central-directory record is the last 22 bytes plus an optional comment of up to 65535 bytes.
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
        if (buf.readUInt32LE(i) === 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) throw zipError("not a ZIP archive (no end-of-central-directory record)");
    const entries = buf.readUInt16LE(eocd + 10);
    const directorySize = buf.readUInt32LE(eocd + 12);
    let offset = buf.readUInt32LE(eocd + 16);
    if (entries === 0xffff || offset === 0xffffffff || directorySize === 0xffffffff) {
        throw zipError("ZIP64 archives are not supported");
    }
    const files = new Map<string, Buffer>();
    let total = 0;
    for (let i = 0; i < entries; i++) {
        if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== 0x02014b50) throw zipError(`central directory entry ${i} is corrupt`);
        const flags = buf.readUInt16LE(offset + 8);
        const method = buf.readUInt16LE(offset + 10);
        const crc = buf.readUInt32LE(offset + 16);
        const compressedSize = buf.readUInt32LE(offset + 20);
        const size = buf.readUInt32LE(offset + 24);
        const nameLength = buf.readUInt16LE(offset + 28);
        const extraLength = buf.readUInt16LE(offset + 30);
        const commentLength = buf.readUInt16LE(offset + 32);
        const localOffset = buf.readUInt32LE(offset + 42);
        const name = buf.toString("utf8", offset + 46, offset + 46 + nameLength);
        offset += 46 + nameLength + extraLength + commentLength;
        if (name.endsWith("/")) continue;
        if (flags & 1) throw zipError(`${name} is encrypted`);
        total += size;
        if (total > MAX_TOTAL_BYTES) throw zipError(`the archive's files add up to more than ${MAX_TOTAL_BYTES} bytes`);
        if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) throw zipError(`${name}: local header is corrupt`);
        const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
        const raw = buf.subarray(dataStart, dataStart + compressedSize);
        if (raw.length !== compressedSize) throw zipError(`${name} is truncated`);
        let data: Buffer;
        if (method === 0) data = Buffer.from(raw);
        else if (method === 8) {
            // Inflating stops at the declared size: a small entry that expands without bound (a ZIP bomb) is refused
            // instead of exhausting the function's memory.
            try {
                data = zlib().inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
            } catch (err) {
                throw zipError(`${name} does not inflate to its declared ${size} bytes: ${(err as Error).message}`);
            }
        }
        else throw zipError(`${name} uses unsupported compression method ${method}`);
        if (data.length !== size || crc32(data) !== crc) throw zipError(`${name} fails its size or CRC check`);
        files.set(name, data);
    }
    return files;
}

/**
 * Writes a deflated ZIP archive of the given files, in the given order, with a fixed timestamp so the same
 * content always gives the same bytes (an unchanged archive is not re-uploaded).
 */
export function createZip(files: Readonly<Record<string, string | Uint8Array>>): Buffer {
    const locals: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    // 1980-01-01 00:00, the earliest DOS date.
    const dosTime = 0;
    const dosDate = (0 << 9) | (1 << 5) | 1;
    for (const [name, content] of Object.entries(files)) {
        const data = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
        const deflated = zlib().deflateRawSync(data, { level: 9 });
        const nameBytes = Buffer.from(name, "utf8");
        const crc = crc32(data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(0x0800, 6);
        local.writeUInt16LE(8, 8);
        local.writeUInt16LE(dosTime, 10);
        local.writeUInt16LE(dosDate, 12);
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(deflated.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(nameBytes.length, 26);
        local.writeUInt16LE(0, 28);
        const header = Buffer.alloc(46);
        header.writeUInt32LE(0x02014b50, 0);
        header.writeUInt16LE(20, 4);
        header.writeUInt16LE(20, 6);
        header.writeUInt16LE(0x0800, 8);
        header.writeUInt16LE(8, 10);
        header.writeUInt16LE(dosTime, 12);
        header.writeUInt16LE(dosDate, 14);
        header.writeUInt32LE(crc, 16);
        header.writeUInt32LE(deflated.length, 20);
        header.writeUInt32LE(data.length, 24);
        header.writeUInt16LE(nameBytes.length, 28);
        header.writeUInt32LE(offset, 42);
        locals.push(local, nameBytes, deflated);
        central.push(header, nameBytes);
        offset += local.length + nameBytes.length + deflated.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    const count = Object.keys(files).length;
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, directory, end]);
}
