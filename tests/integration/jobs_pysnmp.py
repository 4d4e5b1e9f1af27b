#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""jobs_pysnmp.py - vdsJobTable's SET contract as an independent manager sees
it: pysnmp (no Net-SNMP code), numeric OIDs, every response PDU checked
(error-status, error-index, the varbinds).  Run by jobs-pysnmp.sh, which
starts the master and vdsd and passes, in the environment:

  VDS_PORT  the master's UDP port on 127.0.0.1 (communities public, private)
  VDS_DISK  the vdsDiskIndex of sim1
  VDS_IMG   a directory for image files (sim)
  VDS_HOLD  the sim test gate directory (hold-PHASE, at-H-PHASE)

vdsd runs with jobMaxRunning 2 and jobMaxQueued 1.  Every refused SET is
followed by a walk of vdsObjects proving nothing changed, and by a read of
vdsLastRefusal proving it says which variable was refused and why.
Exit status: 0 every check passed, 1 a check failed.
"""

import os
import sys
import time

from pysnmp.hlapi import (CommunityData, ContextData, Integer, ObjectIdentity,
                          ObjectType, OctetString, SnmpEngine,
                          UdpTransportTarget, Unsigned32, getCmd, nextCmd,
                          setCmd)

ROOT = (1, 3, 6, 1, 4, 1, 8072, 9999, 86)
OBJECTS = ROOT + (1,)
SERVICE = OBJECTS + (1,)
JOB = OBJECTS + (8, 1)
REFUSAL = OBJECTS + (9,)

# vdsJobEntry columns (agent/mib_oids.h)
C_ROW_STATUS, C_TYPE, C_STATUS, C_PERCENT = 2, 3, 4, 5
C_DETAILS, C_RESULT_TYPE, C_PROVIDER, C_LAST_UPDATE = 10, 16, 17, 21
C_DISK, C_SIZE_MIB, C_STRIPE_KIB, C_PATH = 30, 32, 38, 41
# vdsService scalars that move by themselves or by reading
S_START, S_LAST_CHANGE, S_NEXT_HANDLE = 3, 4, 12
S_RUNNING, S_QUEUED, S_SUCCEEDED = 7, 8, 9

ERR = {0: "noError", 7: "wrongType", 8: "wrongLength", 10: "wrongValue",
       11: "noCreation", 12: "inconsistentValue", 13: "resourceUnavailable",
       14: "commitFailed", 17: "notWritable"}
ST_CREATED, ST_QUEUED, ST_RUNNING, ST_SUCCEEDED = 1, 2, 3, 4

ENGINE = SnmpEngine()
TARGET = UdpTransportTarget(("127.0.0.1", int(os.environ["VDS_PORT"])),
                            timeout=3, retries=0)
READ = CommunityData("public", mpModel=1)
WRITE = CommunityData("private", mpModel=1)
DISK = int(os.environ["VDS_DISK"])
IMG = os.environ["VDS_IMG"]
HOLD = os.environ["VDS_HOLD"]

FAILS = 0
CHECKS = 0


def check(what, ok, detail=""):
    global FAILS, CHECKS
    CHECKS += 1
    if not ok:
        FAILS += 1
        print("FAIL: %s%s" % (what, ": " + detail if detail else ""))


def col(c, h):
    return JOB + (c, h)


def request(cmd, auth, vbs):
    """One PDU; (error-status, error-index, [(oid tuple, value)])."""
    err_ind, err_stat, err_idx, out = next(
        cmd(ENGINE, auth, TARGET, ContextData(),
            *[ObjectType(ObjectIdentity(o), v) for o, v in vbs]))
    if err_ind:
        raise RuntimeError("%s: no answer: %s" % (cmd.__name__, err_ind))
    return int(err_stat), int(err_idx), [(tuple(o), v) for o, v in out]


def get(*oids):
    st, _, out = request(getCmd, READ, [(o, None) for o in oids])
    if st:
        raise RuntimeError("GET %s: %s" % (oids, ERR.get(st, st)))
    return [v for _, v in out]


def get1(o):
    return get(o)[0]


def snmpset(vbs):
    """A SET; its error-status name and error-index, after checking the
    response names the varbinds of the request in order (RFC 3416 4.2.5)."""
    st, idx, out = request(setCmd, WRITE, vbs)
    check("response varbinds are those of the request",
          [o for o, _ in out] == [tuple(o) for o, _ in vbs],
          "%s" % [o for o, _ in out])
    if st:
        check("error-index within the request", 1 <= idx <= len(vbs),
              "index %d of %d" % (idx, len(vbs)))
    else:
        check("error-index 0 with noError", idx == 0, "index %d" % idx)
    return ERR.get(st, str(st)), idx


def walk():
    """Every object under vdsObjects but what moves by itself: job percent,
    details and last update, start time, last change, next handle, and
    vdsLastRefusal (checked on its own)."""
    skip_svc = {SERVICE + (s, 0) for s in (S_START, S_LAST_CHANGE,
                                           S_NEXT_HANDLE)}
    rows = []
    for err_ind, err_stat, _, vbs in nextCmd(
            ENGINE, READ, TARGET, ContextData(),
            ObjectType(ObjectIdentity(OBJECTS)), lexicographicMode=False):
        if err_ind or int(err_stat):
            raise RuntimeError("walk: %s %s" % (err_ind, err_stat))
        for o, v in vbs:
            o = tuple(o)
            if o in skip_svc or o[:len(REFUSAL)] == REFUSAL:
                continue
            if (o[:len(JOB)] == JOB and
                    o[len(JOB)] in (C_PERCENT, C_DETAILS, C_LAST_UPDATE)):
                continue
            rows.append((o, v.prettyPrint()))
    return rows


def refusal():
    return get(REFUSAL + (1, 0), REFUSAL + (3, 0), REFUSAL + (4, 0),
               REFUSAL + (5, 0), REFUSAL + (6, 0))


def refused(what, want, vbs):
    """The SET gets `want`, changes nothing, and vdsLastRefusal says so."""
    before = walk()
    count0 = int(refusal()[0])
    got, idx = snmpset(vbs)
    check("%s: error-status" % what, got == want, "got %s, want %s" % (got, want))
    after = walk()
    if before != after:
        diff = [r for r in after if r not in before][:5] + \
            [("gone",) + r for r in before if r not in after][:5]
        check("%s: nothing changed" % what, False, "%s" % diff)
    else:
        check("%s: nothing changed" % what, True)
    count, handle, obj, err, why = refusal()
    check("%s: vdsRefusalCount" % what, int(count) == count0 + 1,
          "%s after %s" % (count, count0))
    check("%s: vdsRefusalError" % what, ERR.get(int(err)) == want,
          "%s" % err)
    if 1 <= idx <= len(vbs):
        failed = tuple(vbs[idx - 1][0])
        check("%s: vdsRefusalObject is the refused varbind" % what,
              tuple(obj) == failed, "%s, not %s" % (obj, failed))
        check("%s: vdsRefusalHandle" % what, int(handle) == failed[-1],
              "%s" % handle)
    check("%s: vdsRefusalReason" % what, len(str(why)) > 0 and str(why) != want,
          repr(str(why)))
    return str(why)


def next_handle():
    return int(get1(SERVICE + (S_NEXT_HANDLE, 0)))


def cvdisk(h, name, size=8):
    return [(col(C_ROW_STATUS, h), Integer(4)), (col(C_TYPE, h), Integer(7)),
            (col(C_PATH, h), OctetString("%s/%s.img" % (IMG, name))),
            (col(C_SIZE_MIB, h), Unsigned32(size))]


def cpart(h):
    return [(col(C_ROW_STATUS, h), Integer(4)), (col(C_TYPE, h), Integer(1)),
            (col(C_DISK, h), Unsigned32(DISK)),
            (col(C_SIZE_MIB, h), Unsigned32(10))]


def wait_for(what, cond, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    check(what, False, "not within %d s" % timeout)
    return False


def status(h):
    return int(get1(col(C_STATUS, h)))


def finished(h):
    return status(h) >= ST_SUCCEEDED


def hold(phase):
    open(os.path.join(HOLD, "hold-%s" % phase), "w").close()


def release(phase):
    os.unlink(os.path.join(HOLD, "hold-%s" % phase))


def reached(h, phase):
    return os.path.exists(os.path.join(HOLD, "at-%d-%d" % (h, phase)))


def main():
    # --- bad-SET matrix rows, each followed by a walk and the refusal
    h = next_handle()
    go = cpart(h)
    refused("vdsJobType none(0)", "wrongValue", go[:1] + [(col(C_TYPE, h), Integer(0))] + go[2:])
    refused("vdsJobType 22", "wrongValue", go[:1] + [(col(C_TYPE, h), Integer(22))] + go[2:])
    refused("vdsJobType as Unsigned32", "wrongType", [(col(C_TYPE, h), Unsigned32(1))])
    refused("stripe size 1048577 KiB", "wrongValue",
            go + [(col(C_STRIPE_KIB, h), Unsigned32(1048577))])
    refused("path of 256 octets", "wrongLength",
            go + [(col(C_PATH, h), OctetString("/" + "x" * 255))])
    refused("a parameter on a handle with no row", "noCreation",
            [(col(C_DISK, h), Unsigned32(DISK))])
    refused("vdsJobStatus is read-only", "notWritable",
            go + [(col(C_STATUS, h), Integer(4))])
    why = refused("createPartition larger than the disk", "inconsistentValue",
                  go[:3] + [(col(C_SIZE_MIB, h), Unsigned32(300000))])
    check("the reason names the size", "300000" in why, why)
    refused("active on a handle with no row", "inconsistentValue",
            [(col(C_ROW_STATUS, h), Integer(1))])

    # --- createAndWait -> active
    w = next_handle()
    got, _ = snmpset([(col(C_ROW_STATUS, w), Integer(5))])
    check("createAndWait", got == "noError", got)
    rs, typ, rtype, prov = get(col(C_ROW_STATUS, w), col(C_TYPE, w),
                               col(C_RESULT_TYPE, w), col(C_PROVIDER, w))
    check("fresh row: notReady(3), type none(0), result type none(0), no provider",
          (int(rs), int(typ), int(rtype), str(prov)) == (3, 0, 0, ""),
          "%s %s %s %r" % (rs, typ, rtype, str(prov)))
    got, _ = snmpset(cvdisk(w, "w")[1:])
    check("type and parameters of the waiting row", got == "noError", got)
    check("complete row reads notInService(2)",
          int(get1(col(C_ROW_STATUS, w))) == 2)
    got, _ = snmpset([(col(C_ROW_STATUS, w), Integer(1))])
    check("active", got == "noError", got)
    wait_for("job %d finishes" % w, lambda: finished(w))
    check("job %d succeeded" % w, status(w) == ST_SUCCEEDED)
    check("job %d provider once active" % w, str(get1(col(C_PROVIDER, w))) == "sim")

    # --- multi-row SET admission (jobMaxRunning 2, jobMaxQueued 1)
    hold(0)
    r = next_handle()
    got, _ = snmpset(cpart(r))
    check("job on sim1", got == "noError", got)
    wait_for("job %d at its first phase" % r, lambda: reached(r, 0))
    a, b = next_handle(), next_handle()
    why = refused("two jobs that would both wait, one queue slot", "resourceUnavailable",
                  cpart(a) + cpart(b))
    check("the reason names the queue limit", "jobMaxQueued 1" in why, why)
    got, _ = snmpset(cpart(a))
    check("one job that waits", got == "noError", got)
    check("job %d queued" % a, status(a) == ST_QUEUED)
    c, d = next_handle(), next_handle()
    refused("two jobs, one free slot, full queue", "resourceUnavailable",
            cvdisk(c, "c") + cvdisk(d, "d"))
    check("running and queued at the limits",
          [int(v) for v in get(SERVICE + (S_RUNNING, 0), SERVICE + (S_QUEUED, 0))] == [1, 1])

    # --- a retried createAndGo
    t = next_handle()
    got, _ = snmpset(cvdisk(t, "t"))
    check("createAndGo", got == "noError", got)
    wait_for("job %d at its first phase" % t, lambda: reached(t, 0))
    before = walk()
    got, _ = snmpset(cvdisk(t, "t"))
    check("the same createAndGo again is answered noError", got == "noError", got)
    check("the retry changed nothing", walk() == before)
    refused("createAndGo on the handle with another size", "inconsistentValue",
            cvdisk(t, "t", 9))
    release(0)
    for j in (r, a, t):
        wait_for("job %d finishes" % j, lambda j=j: finished(j))
        check("job %d succeeded" % j, status(j) == ST_SUCCEEDED)

    print("# %d checks, %d failed" % (CHECKS, FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
