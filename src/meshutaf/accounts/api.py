"""API endpoints about the caller's own account."""

from ninja import Router, Schema

router = Router(tags=["account"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    language: str
    is_backbone: bool


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    return request.user
