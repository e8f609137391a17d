"""What waits for the signed-in person: the to-do list of the first page (actions/todo.py)."""

from datetime import date

from ninja import Router, Schema

from doanvien.actions.todo import todo_for

from .schemas import error_answers

router = Router(tags=["me"])


class TodoItemOut(Schema):
    kind: str
    title: str
    url: str
    unit: str
    unit_id: int | None
    year: int | None
    due_on: date | None
    count: int


class TodoOut(Schema):
    items: list[TodoItemOut]


@router.get(
    "/todo",
    response={200: TodoOut, **error_answers(401)},
    summary="What waits for the signed-in user",
)
def my_todo(request):
    return {"items": todo_for(request.user)}
