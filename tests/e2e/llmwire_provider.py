"""A LiteLLM custom provider for the end-to-end tests (`litellm_settings.custom_provider_map`).

LiteLLM's `mock_tool_calls` only answers non-streamed requests: a streamed request to such a model
gets the text "This is a mock request" and no tool calls. This provider streams tool calls the
way real providers reach LiteLLM, in fragments, so the SSE the tests read is what LiteLLM's own
stream wrapper makes of them. It calls nothing; it only yields.
"""

import json
import time
import uuid

import litellm
from litellm import CustomLLM
from litellm.types.utils import ChatCompletionMessageToolCall, Choices, Message, ModelResponse, Usage

# The calls the model makes: their arguments hold CJK, emoji, escapes and nested JSON.
CALLS = [
    {"id": "call_weather_1", "name": "get_weather", "arguments": {"city": "東京", "unit": "celsius", "days": [1, 2, 3]}},
    {"id": "call_time_2", "name": "get_time", "arguments": {"tz": "Asia/Tokyo", "format": {"clock": 24, "note": "🕒 \"now\" \\ 👩‍💻"}}},
]
FRAGMENT = 5  # characters of arguments per chunk, so fragments cut through escapes and code points


def _arguments(call):
    return json.dumps(call["arguments"], ensure_ascii=False)


class ToolStream(CustomLLM):
    async def acompletion(self, *args, **kwargs):
        return ModelResponse(
            id=f"chatcmpl-{uuid.uuid4()}",
            created=int(time.time()),
            model=kwargs.get("model"),
            choices=[
                Choices(
                    index=0,
                    finish_reason="tool_calls",
                    message=Message(
                        role="assistant",
                        content=None,
                        tool_calls=[
                            ChatCompletionMessageToolCall(
                                id=c["id"], type="function", function={"name": c["name"], "arguments": _arguments(c)}
                            )
                            for c in CALLS
                        ],
                    ),
                )
            ],
            usage=Usage(prompt_tokens=12, completion_tokens=34, total_tokens=46),
        )

    async def astreaming(self, *args, **kwargs):
        for index, call in enumerate(CALLS):
            yield {
                "text": "", "is_finished": False, "finish_reason": "", "usage": None, "index": 0,
                "tool_use": {"id": call["id"], "type": "function", "function": {"name": call["name"], "arguments": ""}, "index": index},
            }
            args = _arguments(call)
            for at in range(0, len(args), FRAGMENT):
                yield {
                    "text": "", "is_finished": False, "finish_reason": "", "usage": None, "index": 0,
                    "tool_use": {"id": None, "type": "function", "function": {"name": None, "arguments": args[at : at + FRAGMENT]}, "index": index},
                }
        yield {
            "text": "", "tool_use": None, "is_finished": True, "finish_reason": "tool_calls", "index": 0,
            "usage": {"prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46},
        }


tool_stream = ToolStream()
