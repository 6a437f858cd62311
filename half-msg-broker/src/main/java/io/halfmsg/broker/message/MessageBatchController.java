package io.halfmsg.broker.message;

import io.halfmsg.api.BatchResponse;
import io.halfmsg.api.DecisionBatchRequest;
import io.halfmsg.api.DecisionRequest;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.PrepareBatchRequest;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.WireRules;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.BatchPaths;
import io.halfmsg.broker.web.Violations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The batch endpoints of the producers' hot path: many prepares, or many decisions, in one request
 * and one transaction, answered item by item as the single calls would answer them. Only an
 * envelope that cannot be used at all is a 400 for the whole request.
 */
@RestController
class MessageBatchController {

  private final MessageService service;
  private final MessageRequestValidator validator;

  MessageBatchController(MessageService service, MessageRequestValidator validator) {
    this.service = service;
    this.validator = validator;
  }

  @PostMapping(path = BatchPaths.PREPARE_BATCH, consumes = MediaType.APPLICATION_JSON_VALUE)
  BatchResponse prepareAll(@RequestBody PrepareBatchRequest request) {
    List<PrepareMessageRequest> items =
        usableItems(request == null ? null : request.messages(), "messages");
    ItemOutcome[] results = new ItemOutcome[items.size()];
    List<NewMessage> valid = new ArrayList<>(items.size());
    List<Integer> validAt = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      PrepareMessageRequest item = items.get(i);
      if (item == null) {
        // Like a single prepare without a body: nothing to answer for, the envelope is broken.
        throw Violations.invalid("messages[" + i + "]", "must be a JSON object");
      }
      try {
        valid.add(validator.validate(item, "messages[" + i + "]."));
        validAt.add(i);
      } catch (ApiException e) {
        results[i] = ItemOutcome.refused(item.messageId(), e, null);
      }
    }
    fill(results, validAt, valid.isEmpty() ? List.of() : service.prepareAll(valid));
    return response(results);
  }

  @PostMapping(path = BatchPaths.DECISIONS, consumes = MediaType.APPLICATION_JSON_VALUE)
  BatchResponse decideAll(@RequestBody DecisionBatchRequest request) {
    List<DecisionRequest> items =
        usableItems(request == null ? null : request.decisions(), "decisions");
    ItemOutcome[] results = new ItemOutcome[items.size()];
    List<String> ids = new ArrayList<>(items.size());
    List<MessageState> targets = new ArrayList<>(items.size());
    List<Integer> validAt = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      DecisionRequest item = items.get(i);
      try {
        if (item == null) {
          throw Violations.invalid("decisions[" + i + "]", "must be a JSON object");
        }
        targets.add(validator.decision(item, "decisions[" + i + "]."));
        ids.add(item.messageId());
        validAt.add(i);
      } catch (ApiException e) {
        results[i] = ItemOutcome.refused(item == null ? null : item.messageId(), e, null);
      }
    }
    fill(results, validAt, ids.isEmpty() ? List.of() : service.decideAll(ids, targets));
    return response(results);
  }

  private static <T> List<T> usableItems(List<T> items, String field) {
    if (items == null || items.isEmpty()) {
      throw Violations.invalid(
          field, "must be a list of 1 to " + WireRules.MAX_BATCH_ITEMS + " items");
    }
    if (items.size() > WireRules.MAX_BATCH_ITEMS) {
      throw Violations.invalid(
          field,
          "has " + items.size() + " items; at most " + WireRules.MAX_BATCH_ITEMS + " are allowed");
    }
    return items;
  }

  private static void fill(ItemOutcome[] results, List<Integer> at, List<ItemOutcome> written) {
    for (int k = 0; k < written.size(); k++) {
      results[at.get(k)] = written.get(k);
    }
  }

  private static BatchResponse response(ItemOutcome[] results) {
    return new BatchResponse(Arrays.stream(results).map(ItemOutcome::toResult).toList());
  }
}
