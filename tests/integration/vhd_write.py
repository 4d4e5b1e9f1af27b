#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""vhd_write.py IMAGE OFFSET LENGTH BYTE

Write LENGTH bytes of value BYTE at OFFSET (both whole 512-byte sectors)
into a dynamic or differencing VHD, laid out as the Virtual Hard Disk Image
Format Specification says: a block not yet in the BAT goes where the footer
is (sector bitmap, then data), the footer moves past it, then the BAT entry
is set; the written sectors' bits are set in the block's bitmap (most
significant bit first).  A new block of a dynamic disk gets every bit set,
of a differencing disk none but the written ones.

Written from the specification for the tests, not from vdsd's code: the
tests need a writer of differencing VHDs that is not the one under test
(qemu writes no differencing VHD).
"""
import struct
import sys

SECTOR = 512
UNUSED = 0xFFFFFFFF


def main():
    path = sys.argv[1]
    off, length, value = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4], 0)
    if off % SECTOR or length % SECTOR or length <= 0:
        sys.exit("vhd_write.py: offset and length must be whole sectors")
    with open(path, "r+b") as f:
        f.seek(0, 2)
        end = f.tell() - SECTOR
        f.seek(end)
        footer = f.read(SECTOR)
        if footer[:8] != b"conectix":
            sys.exit(f"vhd_write.py: {path}: no VHD footer")
        disk_type = struct.unpack(">I", footer[60:64])[0]
        if disk_type not in (3, 4):
            sys.exit(f"vhd_write.py: {path}: disk type {disk_type}: not dynamic or differencing")
        size = struct.unpack(">Q", footer[48:56])[0]
        if off + length > size:
            sys.exit(f"vhd_write.py: {path}: past the end of the disk ({size} bytes)")
        f.seek(struct.unpack(">Q", footer[16:24])[0])
        header = f.read(1024)
        if header[:8] != b"cxsparse":
            sys.exit(f"vhd_write.py: {path}: no dynamic header")
        bat = struct.unpack(">Q", header[16:24])[0]
        block = struct.unpack(">I", header[32:36])[0]
        bitmap = (block // SECTOR // 8 + SECTOR - 1) // SECTOR * SECTOR
        done = 0
        while done < length:
            at = off + done
            index, inside = divmod(at, block)
            chunk = min(length - done, block - inside)
            f.seek(bat + 4 * index)
            entry = struct.unpack(">I", f.read(4))[0]
            if entry == UNUSED:
                entry = end // SECTOR
                f.seek(end + bitmap + block)
                f.write(footer)
                f.seek(end)
                f.write((b"\xff" if disk_type == 3 else b"\x00") * bitmap)
                f.seek(bat + 4 * index)
                f.write(struct.pack(">I", entry))
                end += bitmap + block
            base = entry * SECTOR
            f.seek(base + bitmap + inside)
            f.write(bytes([value]) * chunk)
            f.seek(base)
            bits = bytearray(f.read(bitmap))
            for s in range(inside // SECTOR, (inside + chunk) // SECTOR):
                bits[s // 8] |= 0x80 >> (s % 8)
            f.seek(base)
            f.write(bits)
            done += chunk


if __name__ == "__main__":
    main()
