/** One line of the conversation as the robot's responder sees it. */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export interface ResponderInput {
  /** The username of whoever the robot is answering. */
  username: string;
  /** The message to answer. */
  text: string;
  /** The last messages of the conversation, oldest first, the one to answer included. */
  history: Turn[];
}

/** Where the robot's answers come from: a chat-completions API when configured, the offline one otherwise. */
export interface Responder {
  reply(input: ResponderInput): Promise<string>;
}
