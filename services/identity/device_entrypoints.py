"""identity's entrypoints for the app: its registration (binding a device to a staff
member, approved at their office), signing in with the device, and approving a PC's
sign-in. Mixed into IdentityService."""

from services.common.service import rpc

from . import devices, edge, registration, registration_code


class DeviceEntrypoints:
    @rpc
    def start_registration(self, device, source_ip=None):
        """Anonymous (the app). -> {id, status: started, display_name, attempts_left}.
        Raises ClientVersionUnsupported below the configured minimum versions."""
        edge.take(self.store, self.settings.limit("REGISTRATIONS_PER_ADDRESS"), source_ip)
        with self.store.unit_of_work() as uow:
            return registration.start(uow, device, self.settings.minimum_versions, source_ip)

    @rpc
    def identify_registration(
        self, registration_id, office, partner_id, email=None, mobile=None, source_ip=None
    ):
        """`office`: the office with `partner_id` (None when there is none). A miss raises
        UnknownCombination (details.attempts_left), the third RegistrationLocked;
        RateLimited after too many misses from the source address (for a while) or on
        the partner ID (for seconds)."""
        with self.store.unit_of_work() as uow:
            return registration_code.identify(
                uow, registration_id, office, partner_id, email, mobile, source_ip, self.settings
            )

    @rpc
    def verify_registration(self, registration_id, code):
        """-> {status: awaiting_approval}; InvalidCode; five misses lock it."""
        with self.store.unit_of_work() as uow:
            return registration_code.verify(uow, registration_id, code, self.settings.portal_url)

    @rpc
    def describe_registration(self, registration_id):
        with self.store.unit_of_work() as uow:
            return registration.describe_by_id(uow, registration_id)

    @rpc
    def delete_registration(self, registration_id):
        with self.store.unit_of_work() as uow:
            registration.remove(uow, registration_id)

    @rpc
    def complete_registration(self, registration_id, signature, source_ip=None, user_agent=None):
        """-> {device_id, token, ...}: bound, signed in, office access at once."""
        with self.store.unit_of_work() as uow:
            return registration.complete(
                uow, self.settings.clock, registration_id, signature, source_ip, user_agent
            )

    # -- devices and app login -----------------------------------------------------------
    @rpc
    def device_challenge(self, device_id):
        with self.store.unit_of_work() as uow:
            return devices.challenge(uow, device_id)

    @rpc
    def device_login(self, device_id, challenge, signature, source_ip=None, user_agent=None):
        """-> {token, ...}; InvalidSignature for anything wrong (one answer for all)."""
        with self.store.unit_of_work() as uow:
            return devices.login(
                uow, self.settings.clock, device_id, challenge, signature, source_ip, user_agent
            )

    @rpc
    def start_app_login(self, source_ip=None, user_agent=None):
        """Anonymous (a PC). RateLimited beyond APP_LOGINS_PER_ADDRESS."""
        edge.take(self.store, self.settings.limit("APP_LOGINS_PER_ADDRESS"), source_ip)
        with self.store.unit_of_work() as uow:
            return devices.start_app_login(
                uow, source_ip, user_agent, self.settings.app_login_validity
            )

    @rpc
    def find_app_login(self, pairing_code, device_id, signature, source_ip=None):
        """The app: the pending sign-in behind a pairing code, to show before approving
        (`source_ip`: the app's own, to say whether the PC is on the same network).
        InvalidSignature for a device that does not sign it; NotFound for no such code."""
        with self.store.unit_of_work() as uow:
            return devices.find_app_login(uow, pairing_code, device_id, signature, source_ip)

    @rpc
    def approve_app_login(self, login_id, device_id, signature, approve=True):
        """The app approves (or refuses) a PC's sign-in with its signature over the code."""
        with self.store.unit_of_work() as uow:
            devices.approve_app_login(uow, login_id, device_id, signature, approve)

    @rpc
    def claim_app_login(self, login_id, source_ip=None, user_agent=None, poll_secret=None):
        """-> None while pending; {token, ...} once approved, once only, to the browser
        holding `poll_secret` (from start_app_login)."""
        with self.store.unit_of_work() as uow:
            return devices.claim_app_login(
                uow, self.settings.clock, login_id, source_ip, user_agent, poll_secret
            )

    @rpc
    def list_my_devices(self, limit=50, cursor=None):
        """The caller's bound devices. -> {items, next_cursor}: a page, oldest first."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return devices.list_devices(uow, self.paging, principal, limit, cursor)

    @rpc
    def unbind_my_device(self, device_id):
        """The device's sessions end with it."""
        principal = self.caller.require(write=True)
        with self.store.unit_of_work() as uow:
            devices.unbind(uow, principal, device_id)
