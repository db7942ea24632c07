"""A LiteLLM custom provider for tests/e2e/tools.test.mjs: a small agent that calls tools, then answers.

Asked a question, it calls seed 004's calculator twice at once (month over month and year over year
for April 2024, with the values of the revenue table); given the tool results, it answers with them.
Streamed requests get the calls in fragments, the way providers reach LiteLLM's stream wrapper. It
calls nothing; it only reads the messages it is sent.
"""

import json
import time
import uuid

from litellm import CustomLLM
from litellm.types.utils import ChatCompletionMessageToolCall, Choices, Message, ModelResponse, Usage

CALLS = [
    {"id": "call_mom", "arguments": {"time": "2024-04", "type": "MoM", "pre_value": "28.89", "current_value": "29.12"}},
    {"id": "call_yoy", "arguments": {"time": "2024-04", "type": "YoY", "pre_value": "20.96", "current_value": "29.12"}},
]
FRAGMENT = 7  # characters of arguments per chunk
USAGE = {"prompt_tokens": 20, "completion_tokens": 30, "total_tokens": 50}


def _field(message, name):
    return message.get(name) if isinstance(message, dict) else getattr(message, name, None)


def _answer(messages):
    """The answer once the last message is a tool result, else None (the agent calls its tools)."""
    if not messages or _field(messages[-1], "role") != "tool":
        return None
    last_user = max(i for i, m in enumerate(messages) if _field(m, "role") == "user")
    results = [str(_field(m, "content")) for m in messages[last_user + 1 :] if _field(m, "role") == "tool"]
    return "April 2024: " + "; ".join(results)


def _arguments(call):
    return json.dumps(call["arguments"])


class Agent(CustomLLM):
    async def acompletion(self, *args, **kwargs):
        answer = _answer(kwargs.get("messages", []))
        if answer is not None:
            message, finish = Message(role="assistant", content=answer), "stop"
        else:
            calls = [
                ChatCompletionMessageToolCall(id=c["id"], type="function", function={"name": "calculator", "arguments": _arguments(c)})
                for c in CALLS
            ]
            message, finish = Message(role="assistant", content=None, tool_calls=calls), "tool_calls"
        return ModelResponse(
            id=f"chatcmpl-{uuid.uuid4()}",
            created=int(time.time()),
            model=kwargs.get("model"),
            choices=[Choices(index=0, finish_reason=finish, message=message)],
            usage=Usage(**USAGE),
        )

    async def astreaming(self, *args, **kwargs):
        answer = _answer(kwargs.get("messages", []))
        if answer is not None:
            for at in range(0, len(answer), FRAGMENT):
                yield {"text": answer[at : at + FRAGMENT], "tool_use": None, "is_finished": False, "finish_reason": "", "usage": None, "index": 0}
            yield {"text": "", "tool_use": None, "is_finished": True, "finish_reason": "stop", "usage": USAGE, "index": 0}
            return
        for index, call in enumerate(CALLS):
            yield {
                "text": "", "is_finished": False, "finish_reason": "", "usage": None, "index": 0,
                "tool_use": {"id": call["id"], "type": "function", "function": {"name": "calculator", "arguments": ""}, "index": index},
            }
            args = _arguments(call)
            for at in range(0, len(args), FRAGMENT):
                yield {
                    "text": "", "is_finished": False, "finish_reason": "", "usage": None, "index": 0,
                    "tool_use": {"id": None, "type": "function", "function": {"name": None, "arguments": args[at : at + FRAGMENT]}, "index": index},
                }
        yield {"text": "", "tool_use": None, "is_finished": True, "finish_reason": "tool_calls", "usage": USAGE, "index": 0}


agent = Agent()
