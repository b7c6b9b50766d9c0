"""Every log line — the application's and gunicorn's access log — has ID and mobile numbers masked."""

import io
import logging
import logging.config

from yuncheng import gunicorn_conf
from yuncheng.personal_numbers import MaskPersonalNumbersFilter, mask_personal_numbers

ID = "14082919750309231X"
PHONE = "13912345678"


def test_id_and_mobile_numbers_are_masked_and_codes_are_left_alone():
    line = f"GET /monitoring/?q={ID}&phone={PHONE}&village=140829100200&household=1408291002000001"
    assert mask_personal_numbers(line) == (
        "GET /monitoring/?q=140829********231X&phone=139****5678&village=140829100200&household=1408291002000001"
    )


def test_filter_masks_a_message_built_from_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "viewed %s by %s", (ID, "city_admin"), None)
    assert MaskPersonalNumbersFilter().filter(record) is True
    assert record.getMessage() == "viewed 140829********231X by city_admin"


def test_gunicorn_access_log_line_is_masked():
    from gunicorn.glogging import CONFIG_DEFAULTS

    # how gunicorn itself applies logconfig_dict: laid over its defaults
    config = {**CONFIG_DEFAULTS, **gunicorn_conf.logconfig_dict}
    stream = io.StringIO()
    config["handlers"] = {**config["handlers"], "access": {**config["handlers"]["access"], "stream": stream}}
    config["handlers"]["access"].pop("stream")
    logging.config.dictConfig(config)
    logger = logging.getLogger("gunicorn.access")
    handler = logger.handlers[0]
    handler.setStream(stream)
    # gunicorn's access logger formats its line from a dict of atoms
    logger.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": f"GET /admin/monitoring/member/?q={ID} HTTP/1.1", "s": "303"})
    assert stream.getvalue() == '127.0.0.1 "GET /admin/monitoring/member/?q=140829********231X HTTP/1.1" 303\n'


def test_django_log_handlers_mask_personal_numbers(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_personal_numbers"]
