// SES actions on configuration sets and their event destinations (SES v1 API): where SES
// publishes a mail's events (bounces, complaints …) when a send names the set.

import { AwsError, type QueryActions, type QueryParams } from '../protocol.ts';
import type { EventDestination, FakeSes } from './state.ts';

const EVENT_TYPES = new Set([
  'send',
  'reject',
  'bounce',
  'complaint',
  'delivery',
  'open',
  'click',
  'renderingFailure',
  'deliveryDelay',
  'subscription',
]);
const DESTINATION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TOPIC_ARN = /^arn:aws[a-z0-9-]*:sns:[a-z0-9-]+:\d{12}:[^:]+$/;

function eventDestination(params: QueryParams): EventDestination {
  const name = params.required('EventDestination.Name');
  if (!DESTINATION_NAME.test(name))
    throw new AwsError('InvalidParameterValue', `Event destination name <${name}> is invalid.`);
  const matchingEventTypes = params.list('EventDestination.MatchingEventTypes');
  if (matchingEventTypes.length === 0 || !matchingEventTypes.every((type) => EVENT_TYPES.has(type)))
    throw new AwsError('InvalidParameterValue', `Invalid event types: ${matchingEventTypes.join(', ') || '(none)'}.`);
  const snsTopicArn = params.optional('EventDestination.SNSDestination.TopicARN');
  if (snsTopicArn !== undefined && !TOPIC_ARN.test(snsTopicArn))
    throw new AwsError('InvalidSNSDestination', `SNS topic <${snsTopicArn}> is not a topic ARN.`);
  return {
    name,
    enabled: params.optional('EventDestination.Enabled') === 'true',
    matchingEventTypes,
    ...(snsTopicArn === undefined ? {} : { snsTopicArn }),
  };
}

function destinationXml(destination: EventDestination) {
  return {
    Name: destination.name,
    Enabled: destination.enabled,
    MatchingEventTypes: [...destination.matchingEventTypes],
    SNSDestination: destination.snsTopicArn === undefined ? undefined : { TopicARN: destination.snsTopicArn },
  };
}

export const CONFIGURATION_SET_ACTIONS: QueryActions<FakeSes> = {
  CreateConfigurationSet: (ses, params, { region }) => {
    ses.addConfigurationSet(region, params.required('ConfigurationSet.Name'));
    return {};
  },

  DescribeConfigurationSet: (ses, params, { region }) => {
    const set = ses.configurationSet(region, params.required('ConfigurationSetName'));
    const attributes = params.list('ConfigurationSetAttributeNames');
    return {
      ConfigurationSet: { Name: set.name },
      EventDestinations: attributes.includes('eventDestinations')
        ? [...set.destinations.values()].map(destinationXml)
        : undefined,
    };
  },

  ListConfigurationSets: (ses, _params, { region }) => ({
    ConfigurationSets: [...ses.region(region).configurationSets.keys()].map((name) => ({ Name: name })),
  }),

  DeleteConfigurationSet: (ses, params, { region }) => {
    const set = ses.configurationSet(region, params.required('ConfigurationSetName'));
    ses.region(region).configurationSets.delete(set.name);
    return {};
  },

  CreateConfigurationSetEventDestination: (ses, params, { region }) => {
    const set = ses.configurationSet(region, params.required('ConfigurationSetName'));
    const destination = eventDestination(params);
    if (set.destinations.has(destination.name))
      throw new AwsError(
        'EventDestinationAlreadyExists',
        `Event destination ${destination.name} already exists in configuration set ${set.name}.`,
      );
    ses.checkDestination(destination);
    set.destinations.set(destination.name, destination);
    return {};
  },

  UpdateConfigurationSetEventDestination: (ses, params, { region }) => {
    const set = ses.configurationSet(region, params.required('ConfigurationSetName'));
    const destination = eventDestination(params);
    if (!set.destinations.has(destination.name))
      throw new AwsError(
        'EventDestinationDoesNotExist',
        `Event destination ${destination.name} does not exist in configuration set ${set.name}.`,
      );
    ses.checkDestination(destination);
    set.destinations.set(destination.name, destination);
    return {};
  },

  DeleteConfigurationSetEventDestination: (ses, params, { region }) => {
    const set = ses.configurationSet(region, params.required('ConfigurationSetName'));
    const name = params.required('EventDestinationName');
    if (!set.destinations.delete(name))
      throw new AwsError(
        'EventDestinationDoesNotExist',
        `Event destination ${name} does not exist in configuration set ${set.name}.`,
      );
    return {};
  },
};
