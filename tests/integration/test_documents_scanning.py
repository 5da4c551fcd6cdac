"""Virus scanning through clamd's INSTREAM protocol, against a fake clamd that speaks
it over a real TCP socket (tests/integration/fake_clamd.py)."""

import os

import pytest

from services.documents.exceptions import ScanFailed, VirusFound
from services.documents.scanning import ClamdScanner, scanner_from_config

from .fake_clamd import EICAR, EICAR_SIGNATURE, FakeClamd


@pytest.fixture
def clamd():
    """-> make(**options): a started fake clamd, stopped at the end of the test."""
    started = []

    def make(**options):
        server = FakeClamd(**options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def stream(scan, data, chunk_size):
    for start in range(0, len(data), chunk_size):
        scan.feed(data[start : start + chunk_size])


def test_a_clean_file_is_streamed_whole_in_pieces_and_passes(clamd):
    server = clamd()
    data = os.urandom(1024 * 1024 + 123)
    scan = ClamdScanner(server.address, timeout_s=5).start()
    stream(scan, data, 300 * 1024)  # chunks larger than a piece: feed splits them
    scan.finish()
    assert server.received_bytes == len(data)
    assert server.chunks > 16 and server.largest_chunk <= 64 * 1024
    assert server.answers == ["stream: OK"]


def test_an_empty_feed_does_not_end_the_stream_early(clamd):
    server = clamd()
    scan = ClamdScanner(server.address, timeout_s=5).start()
    scan.feed(b"")
    scan.feed(b"hallo")
    scan.finish()
    assert server.received_bytes == 5


def test_eicar_split_across_chunks_is_found(clamd):
    server = clamd()
    data = b"a" * 70_000 + EICAR + b"b" * 1000
    scan = ClamdScanner(server.address, timeout_s=5).start()
    stream(scan, data, 70_020)  # the test string straddles the first boundary
    with pytest.raises(VirusFound) as raised:
        scan.finish()
    assert raised.value.details == {"signature": EICAR_SIGNATURE}


def test_past_clamds_size_limit_the_scan_fails(clamd):
    server = clamd(stream_max_length=200 * 1024)
    scan = ClamdScanner(server.address, timeout_s=5).start()
    with pytest.raises(ScanFailed) as raised:
        # clamd answers and closes: the error comes from feed or from finish,
        # depending on how much the kernel had buffered.
        stream(scan, os.urandom(1024 * 1024), 64 * 1024)
        scan.finish()
    assert raised.value.code == "scan_failed"
    assert server.received_bytes <= 200 * 1024


def test_a_refused_connection_fails_the_scan(clamd):
    server = clamd(mode="refuse")
    with pytest.raises(ScanFailed) as raised:
        ClamdScanner(server.address, timeout_s=2).start()
    assert raised.value.details == {"reason": "clamd unreachable"}


def test_an_unreachable_unix_socket_fails_the_scan(tmp_path):
    with pytest.raises(ScanFailed):
        ClamdScanner(f"unix:{tmp_path / 'clamd.ctl'}", timeout_s=2).start()


def test_a_connection_dropped_mid_stream_fails_the_scan(clamd):
    server = clamd(mode="drop", drop_after=128 * 1024)
    scan = ClamdScanner(server.address, timeout_s=5).start()
    with pytest.raises(ScanFailed):
        stream(scan, os.urandom(4 * 1024 * 1024), 256 * 1024)
        scan.finish()
    assert server.received_bytes < 4 * 1024 * 1024


def test_no_answer_fails_the_scan_after_the_timeout(clamd):
    server = clamd(mode="silent")
    scan = ClamdScanner(server.address, timeout_s=0.5).start()
    scan.feed(b"een gewone brief")
    with pytest.raises(ScanFailed) as raised:
        scan.finish()
    assert raised.value.details == {"reason": "clamd timed out"}
    assert server.received_bytes == len(b"een gewone brief")


def test_abort_closes_quietly_and_the_scanner_can_start_again(clamd):
    server = clamd()
    scanner = ClamdScanner(server.address, timeout_s=5)
    first = scanner.start()
    first.feed(b"half")
    first.abort()
    first.abort()
    second = scanner.start()
    second.feed(b"heel")
    second.finish()
    assert server.answers == ["stream: OK"]


def test_scanning_is_off_without_an_address():
    assert scanner_from_config(None) is None
    assert scanner_from_config("") is None
    assert isinstance(scanner_from_config("127.0.0.1:3310"), ClamdScanner)
    assert isinstance(scanner_from_config("unix:/run/clamav/clamd.ctl"), ClamdScanner)


@pytest.mark.parametrize("address", ["clamd", "clamd:port", ":3310"])
def test_a_malformed_address_is_a_configuration_error(address):
    with pytest.raises(ValueError):
        scanner_from_config(address)
