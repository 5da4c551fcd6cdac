"""dossier's entrypoints for messages (see messages.py). Mixed into DossierService.

Sending files the attachments first, through documents and with the sender's own
principal (documents checks that each is the sender's pending attachment of this
dossier), outside any transaction: SQLite has one connection per process, and no
transaction may wait on an RPC. Only then is the message written."""

from services.common.db import new_id
from services.common.service import rpc

from . import messages


class MessageEntrypoints:
    @rpc
    def post_message(self, dossier_id, subject, body, attachment_ids=None):
        """Client or staff of the dossier: a new thread. -> the message ({id, thread_id,
        subject, body, direction, read, sender, attachments, ...}). ValidationFailed
        (subject 1..200, body 1..500 characters, at most 10 attachments), NotFound (the
        dossier, or an attachment that is not the sender's pending one of this dossier),
        ReadOnlySession. Event `message_posted`; staff's: e-mail `new_message` to the
        client; a client's: an `answer_message` task."""
        principal = self.caller.require("client", "staff", write=True)
        subject, body, attachment_ids = messages.check_message(subject, body, attachment_ids)
        with self.store.unit_of_work() as uow:
            messages.check_access(uow, principal, dossier_id)
        message_id = new_id()
        filed = self._file_message_attachments(message_id, dossier_id, attachment_ids)
        with self.store.unit_of_work() as uow:
            return messages.post(
                uow,
                principal,
                message_id,
                dossier_id,
                subject,
                body,
                filed,
                self.settings.public_url,
            )

    @rpc
    def reply_to_message(self, message_id, body, attachment_ids=None):
        """Client or staff who see the message: a reply in its thread, subject "Re: ...".
        -> the reply. Errors, event, e-mail and task as post_message; a staff reply
        closes the thread's open `answer_message` task."""
        principal = self.caller.require("client", "staff", write=True)
        body, attachment_ids = messages.check_reply(body, attachment_ids)
        with self.store.unit_of_work() as uow:
            dossier_id = messages.reply_target(uow, principal, message_id)
        reply_id = new_id()
        filed = self._file_message_attachments(reply_id, dossier_id, attachment_ids)
        with self.store.unit_of_work() as uow:
            return messages.reply(
                uow,
                principal,
                reply_id,
                message_id,
                body,
                filed,
                self.settings.public_url,
            )

    @rpc
    def list_messages(self, dossier_id, limit=50, cursor=None):
        """Client or staff who see the dossier: {items, next_cursor}, a page of its
        messages, newest first, with `direction` and `read` from the caller's side.
        NotFound otherwise; ValidationFailed: cursor."""
        principal = self.caller.require("client", "staff")
        with self.store.unit_of_work() as uow:
            return messages.list_messages(uow, self.paging, principal, dossier_id, limit, cursor)

    @rpc
    def mark_message_read(self, message_id):
        """Read for the caller's side (incoming messages only; once; audited
        `message_read`). A look-along session may call it and changes nothing."""
        principal = self.caller.require("client", "staff")
        with self.store.unit_of_work() as uow:
            messages.mark_read(uow, principal, message_id)

    def _file_message_attachments(self, message_id, dossier_id, attachment_ids):
        if not attachment_ids:
            return []
        return self.documents.file_attachments(message_id, dossier_id, attachment_ids)
