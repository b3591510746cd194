"""Pydantic's validation errors in the words of a person who fixes a file (its own messages are English)."""

from __future__ import annotations

from pydantic_core import ErrorDetails

_MESSAGES = {
    "missing": "thiếu",
    "extra_forbidden": "khóa này không dùng được",
    "string_too_short": "trống",
    "too_short": "cần ít nhất một mục",
    "string_type": "phải là chữ",
    "tuple_type": "phải là một danh sách",
    "literal_error": "phải là một trong: {expected}",
}


def vietnamese(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "string_too_long":
        return f"dài quá {error.get('ctx', {}).get('max_length')} ký tự"
    text = _MESSAGES.get(error["type"], str(error["msg"]))
    return text.format(**error.get("ctx", {})) if "{" in text else text
