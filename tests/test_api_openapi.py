"""The OpenAPI document: valid OpenAPI 3.1, complete (every /api/v1 route of the app is in it),
and true (every documented operation, called, answers what its schema says)."""

import io
import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from forum.attachments import actions as attachments
from forum.extensions import db
from forum.models import User
from forum.outcomes import actions as outcomes
from tests import attachment_files
from tests.api_helpers import call, make_token
from tests.factories import make_authority, make_person, make_reply, make_thread

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error


def test_every_api_route_is_documented(app, document):
    documented = {(path, method.upper()) for path, methods in document["paths"].items()
                  for method in methods}  # fmt: skip
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - IGNORED_METHODS
    }
    assert routes, "no API routes found"
    assert sorted(routes - documented) == []
    assert sorted(documented - routes) == []


@pytest.fixture
def world(app, member, other_member, authority):
    """Content for every operation: the member asks a question and raises a challenge, another
    member replies; two success stories from elsewhere, one adopted by the member already."""
    with app.app_context():
        question = make_thread(member.id, title="سؤال عن الموازنة العامة")
        reply = make_reply(other_member.id, question, body="جواب مفيد")
        challenge = make_thread(member.id, title="تحد في الموازنة", kind="challenge")
        elsewhere = make_authority("بلدية بعيدة", "Far Municipality", governorate="hebron")
        writer = make_person(authority_id=elsewhere.id)
        story = make_thread(writer.id, title="قصة نجاح أولى", kind="success_story")
        adopted = make_thread(writer.id, title="قصة نجاح ثانية", kind="success_story")
        adoption = outcomes.adopt_story(db.session.get(User, member.id), adopted, note="طبقناها")
        staged = attachments.upload(db.session.get(User, member.id),
                                    io.BytesIO(attachment_files.pdf()), "staged.pdf")  # fmt: skip
        db.session.commit()
        return {
            "token": make_token(member.id), "member": member.id, "question": question.id,
            "opening": question.first_post_id, "reply": reply.id, "challenge": challenge.id,
            "story": story.id, "adoption": adoption.id, "upload": staged.id,
        }  # fmt: skip


# How to call each operation on the world: path values, query string, body.
CALLS = {
    "list_boards": ({}, "", None),
    "list_threads": ({"slug": "financial-management"}, "?limit=1", None),
    "show_thread": ({"thread_id": "question"}, "?limit=1", None),
    "show_post": ({"post_id": "reply"}, "", None),
    "show_member": ({"user_id": "member"}, "", None),
    "list_authorities": ({}, "", None),
    "list_tags": ({}, "", None),
    "search_posts": ({}, "?q=الموازنة&limit=1", None),
    "list_notifications": ({}, "", None),
    "openapi_document": ({}, "", None),
    "start_thread": ({"slug": "financial-management"}, "",
                     {"title": "موضوع جديد", "kind": "discussion", "body": "نص",
                      "tags": ["water"]}),
    "reply": ({"thread_id": "question"}, "", {"body": "رد آخر", "parent_id": "reply"}),
    "edit_post": ({"post_id": "opening"}, "", {"body": "نص معدل", "title": "عنوان معدل"}),
    "flag_post": ({"post_id": "reply"}, "", {"reason": "other", "text": "للتأكد"}),
    "mark_notifications_read": ({}, "", {"ids": []}),
    "accept_answer": ({"post_id": "reply"}, "", None),
    "clear_answer": ({"thread_id": "question"}, "", None),
    "set_challenge_status": ({"thread_id": "challenge"}, "",
                             {"status": "resolved", "note": "حللناه", "solution_post_id": None}),
    "adopt_story": ({"thread_id": "story"}, "", {"note": "طبقناها كذلك"}),
    "withdraw_adoption": ({"adoption_id": "adoption"}, "", None),
    "upload_file": ({}, "", None),
    "discard_upload": ({"upload_id": "upload"}, "", None),
}  # fmt: skip
# The files of the operations whose body is multipart/form-data, by field.
FILES = {"upload_file": {"file": (attachment_files.pdf, "تقرير.pdf")}}


def _validator(document, schema):
    """A validator of one schema of the document, its $refs resolved within the document."""
    return Draft202012Validator({**document, **schema})


def test_every_documented_operation_answers_as_its_schema_says(client, document, world):
    called = set()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            name = operation["operationId"]
            values, query, body = CALLS[name]
            url = path.format(**{key: world.get(value, value) for key, value in values.items()})
            if body is not None:
                body = {key: world.get(value, value) if isinstance(value, str) else value
                        for key, value in body.items()}  # fmt: skip
            options = {}
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                sent = {field: (io.BytesIO(make()), filename)
                        for field, (make, filename) in FILES[name].items()}  # fmt: skip
                options = {"data": sent, "content_type": "multipart/form-data"}
            response = call(client, method.upper(), url + query, world["token"], json=body,
                            **options)  # fmt: skip
            expected = next(code for code in operation["responses"] if code.startswith("2"))
            assert str(response.status_code) == expected, (name, response.get_data(as_text=True))
            schema = operation["responses"][expected]["content"]["application/json"]["schema"]
            errors = list(_validator(document, schema).iter_errors(response.get_json()))
            assert errors == [], (name, [error.message for error in errors])
            called.add(name)
    assert called == set(CALLS)


def test_errors_answer_as_the_error_schema_says(client, document, world):
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    for status, url in [(404, "/api/v1/threads/999999"), (401, "/api/v1/notifications")]:
        response = client.get(url)
        assert response.status_code == status
        assert list(_validator(document, schema).iter_errors(response.get_json())) == []


def test_an_upload_is_documented_as_a_multipart_body_of_one_file(document):
    body = document["paths"]["/api/v1/uploads"]["post"]["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"]
    assert schema["properties"]["file"]["contentMediaType"] == "application/octet-stream"
    # The JSON writes stay JSON, and name the uploads they attach.
    reply = document["paths"]["/api/v1/threads/{thread_id}/posts"]["post"]["requestBody"]
    assert list(reply["content"]) == ["application/json"]
    edit = document["components"]["schemas"]["PostEdit"]["properties"]
    assert {"attachments", "remove_attachments"} <= set(edit)


def test_the_schemas_refuse_what_the_api_refuses(document):
    """The document's request schemas are the ones that validate: what they refuse, the API
    refuses too (a negative control of the validation above)."""
    reply = _validator(document, {"$ref": "#/components/schemas/ReplyIn"})
    assert not reply.is_valid({"parent_id": 3})
    assert not reply.is_valid({"body": "x", "unknown": 1})
    assert reply.is_valid({"body": "x"})
