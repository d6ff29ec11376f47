"""The campaign builder's steps: which request fields each one sets, so that every problem the rules
module finds is shown on the step that can fix it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from campaigns import rules
from campaigns.models import Campaign
from campaigns.services import bodies
from campaigns.services.campaigns import campaign_problems


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: frozenset[str] = frozenset()  # the request fields (rules.FIELDS) it sets

    def applies(self, campaign: Campaign) -> bool:
        """The hang-up SMS and agent steps are skipped while they are switched off."""
        if self.slug == "sms":
            return campaign.sends_sms
        if self.slug == "agents":
            return campaign.transfers_to_agents
        return True


AUDIENCE = Step("audience", "Audience", frozenset({"appId", "displayNum", "taskName", "numberInfoList",
                                                   "calleeNumber"}))
MESSAGE = Step("message", "Message", frozenset({"source", "voiceFileId", "uploadName", "baseFile", "text", "lan",
                                                "speakingRate", "ssmlGender", "accent", "loopCount"}))
SMS = Step("sms", "Hang-up SMS", frozenset({"hangUpSms", "smsAppId", "smsContent", "senderId", "feedbackPush",
                                            "feedbackValue", "successPush", "successPushTime", "failedPush",
                                            "ringPush", *rules.TEXT_FIELDS}))
SCHEDULE = Step("schedule", "Schedule", frozenset({"sendTime", "maxCalls", "allowSendTime", "strTime", "endTime",
                                                   "maxRingingTime", "delayPlay", "delayHangup"}))
AGENTS = Step("agents", "Agents", frozenset({"toSeat", "sipGroupId", "outboundControl", "calloutRate", "toSeatType",
                                             "toSeatKey", "delayTransfer"}))
REVIEW = Step("review", "Review")
STEPS = (AUDIENCE, MESSAGE, SMS, SCHEDULE, AGENTS, REVIEW)
BY_SLUG = {step.slug: step for step in STEPS}
_STEP_OF_FIELD = {name: step for step in STEPS for name in step.fields}
_PART = re.compile(r"[A-Za-z0-9]+")


def step_of(problem_field: str) -> Step:
    """The step that fixes a problem keyed `problem_field` ("lan", "allowSendTime[0].endTime",
    "numberInfoList[3].text1"). A callee's text that the SMS needs is fixed with the SMS (or the list),
    anything else about the callees by picking the list; what no step sets is shown on the review."""
    parts = _PART.findall(problem_field)
    if problem_field.startswith("numberInfoList[") and parts[-1] in rules.TEXT_FIELDS:
        return SMS
    return _STEP_OF_FIELD.get(parts[0] if parts else "", REVIEW)


def steps_of(campaign: Campaign) -> list[Step]:
    """The steps this campaign goes through, in order."""
    return [step for step in STEPS if step.applies(campaign)]


def neighbours(campaign: Campaign, step: Step) -> tuple[Step | None, Step | None]:
    """The steps before and after `step` for this campaign (a step switched off has neighbours too)."""
    order = steps_of(campaign)
    before = [s for s in order if STEPS.index(s) < STEPS.index(step)]
    after = [s for s in order if STEPS.index(s) > STEPS.index(step)]
    return (before[-1] if before else None), (after[0] if after else None)


def step_problems(campaign: Campaign, step: Step) -> list[rules.Problem]:
    """What the rules module finds wrong with the campaign that `step` fixes. Only the steps that can
    fix a callee's problem check the callees, where they are stored (a list may hold 100,000)."""
    callees = bodies.stored_callees(campaign.callee_list_id) if step in (AUDIENCE, SMS) else []
    return [problem for problem in campaign_problems(campaign, callees) if step_of(problem.field) is step]
