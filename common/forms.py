"""What every form of ours shares."""

from django.core.exceptions import ValidationError


class ServiceErrors:
    """A form whose service may refuse what the form accepted: the service's errors go on the form's fields, and
    those that name no field of the form on the form as a whole."""

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):  # a refusal that names no field
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
